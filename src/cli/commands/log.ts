import { existsSync, readFileSync } from "node:fs";
import { loadConfig } from "../../files/config.js";
import { reduceRun } from "../../journal/reduce.js";
import { JournalError, readJournal } from "../../journal/store.js";
import { buildRunbook } from "../../model/build-runbook.js";
import { EXIT, RunbookError } from "../errors.js";
import { useColor, type Io } from "../io.js";
import { PlainView, type ViewPlan } from "../run/plain-view.js";
import { listRuns } from "../run/reopen.js";
import { journalPath, stateDir } from "../run/state-dir.js";


/**
 * Replays a run from its journal: who ran what, every answer, every attempt and all of its output
 * (the screen shows only the last lines). What a person taking over an incident reads first.
 */
export default async function log(io: Io, runId: string, flags: { step?: string; format: "text" | "json"; config?: string }): Promise<number> {
  const loaded = await loadConfig(io.cwd, flags.config);
  const dir = stateDir(io.env, loaded, io.cwd);
  const file = journalPath(dir, runId);
  if (!existsSync(file)) {
    const recent = listRuns(dir).slice(-5);
    throw new RunbookError(`no run ${runId}${recent.length ? `; recent runs: ${recent.join(", ")}` : ""}`, EXIT.usage);
  }
  let read;
  try {
    read = readJournal(file);
  } catch (e) {
    if (e instanceof JournalError) throw new RunbookError(e.message, EXIT.usage);
    throw e;
  }
  const events = flags.step ? read.events.filter((e) => e.type === "run_started" || !("target" in e) || e.target === flags.step) : read.events;
  if (flags.format === "json") {
    io.stdout.write(`${JSON.stringify(events, null, 2)}\n`);
    return EXIT.ok;
  }
  const state = reduceRun(read.events);
  const s = state.started;
  io.stdout.write(`Run ${s.runId} of ${s.runbook.id} (${s.runbook.file})\nstarted ${s.ts} by ${s.operator}@${s.host}${s.git ? ` at commit ${s.git.commit.slice(0, 12)}${s.git.dirty ? " (file modified)" : ""}` : ""}\n`);
  const params = Object.entries(s.params);
  if (params.length) io.stdout.write(`params: ${params.map(([k, v]) => `${k}=${v}`).join(" ")}\n`);
  io.stdout.write("\n");
  const view = new PlainView(io.stdout, planFor(s.runbook.file, s.runbook.title, s.order), useColor(io, io.stdout));
  view.seed([read.events[0]!]);
  for (const e of events) if (e.type !== "run_started") view.onEvent(e);
  io.stdout.write(view.summary(file));
  if (read.torn) io.stdout.write(`(the last line of the journal was torn by a crash and is not shown)\n`);
  return EXIT.ok;
}

/** Step titles from the runbook if it is still there; the ids alone otherwise. */
function planFor(file: string, title: string | null, order: readonly string[]): ViewPlan {
  const titles = new Map<string, string>();
  try {
    for (const st of buildRunbook(file, readFileSync(file, "utf8")).steps) titles.set(st.id, st.title);
  } catch {
    // the runbook moved or was deleted: ids will do
  }
  return { title: title ?? file, steps: order.map((id) => ({ id, title: titles.get(id) ?? id })) };
}
