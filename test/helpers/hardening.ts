import { readFileSync } from "node:fs";
import { alive, journalEvents, journalFiles, processesMatching } from "./runbooks.js";

// Shared by the run-side hardening tests (issue 13): test/cli/hardening-run*.test.ts.

export const SECRET = "hunter2hunter2";
/** When a process started (clock ticks since boot): with it, a pid the system gave to another process since is not taken for the old one. */
export const startOf = (pid: number): string | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
};
/** The same process, still alive: pids wrap around fast (pid_max is 32768 here) on a machine running several suites. */
export const stillAlive = (p: { pid: number; start: string | undefined }) => alive(p.pid) && startOf(p.pid) === p.start;
/** Every event of a run's journal, as text (the raw bytes, to look for what must not be there). */
export const journalText = (state: string) => journalFiles(state).map((f) => readFileSync(f, "utf8")).join("");
/** The step is running and the journal says so (its process group is journaled just after it starts). */
export const spawned = (state: string, marks: () => string[]) => () => marks().length === 1 && journalEvents(state).some((e) => e.type === "attempt_spawned");
export const outputOf = (state: string, stream: "stdout" | "stderr") =>
  journalEvents(state)
    .filter((e) => e.type === "output" && e.stream === stream)
    .map((e) => e.text as string)
    .join("");
/** Commands that leave the block's process group: setsid, a double fork. */
export const escapes = (tag: string) =>
  [
    `setsid sleep 306.${tag} &`,
    `( ( exec sleep 307.${tag} ) & ) &`,
    `setsid sh -c 'sleep 308.${tag}; : ${tag}' > /dev/null 2>&1 < /dev/null &`,
    'echo escaped >> "$MARK"',
    "sleep 60",
  ].join("\n");
export const escaped = (tag: string) => ["306", "307", "308"].flatMap((n) => processesMatching(`sleep ${n}.${tag}`));
