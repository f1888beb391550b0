import { readFileSync } from "node:fs";

/**
 * The start time of a process, from /proc/<pid>/stat (field 22, in clock ticks since boot).
 * With the pid it identifies a process even after the pid is reused. Undefined off Linux.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may contain spaces: count from its end.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}

/** Whether a process exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether any process is left in a process group. */
export function groupAlive(pgid: number): boolean {
  return isAlive(-pgid);
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops what is left of a step's process group after the runner was killed: TERM, then KILL.
 * A group whose leader pid now belongs to a younger process is not ours and is left alone.
 */
export async function stopOrphanGroup(pgid: number, startTime: string | null, graceMs: number): Promise<"none" | "stopped" | "not-ours"> {
  if (!groupAlive(pgid)) return "none";
  const now = processStartTime(pgid);
  if (now !== undefined && startTime !== null && now !== startTime) return "not-ours";
  signalGroup(pgid, "SIGTERM");
  for (let waited = 0; waited < graceMs && groupAlive(pgid); waited += 50) await sleep(50);
  if (groupAlive(pgid)) signalGroup(pgid, "SIGKILL");
  for (let waited = 0; waited < 2000 && groupAlive(pgid); waited += 50) await sleep(50);
  return "stopped";
}
