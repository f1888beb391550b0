import path from "node:path";
import { loadConfig } from "../../files/config.js";
import { progressOf } from "../../journal/progress.js";
import { reduceRun } from "../../journal/reduce.js";
import { readJournal } from "../../journal/store.js";
import { EXIT } from "../errors.js";
import type { Io } from "../io.js";
import { listRuns } from "../run/reopen.js";
import { journalPath, stateDir } from "../run/state-dir.js";

/** Runs in the state folder: what a person taking over an incident looks at first. */
export default async function runs(io: Io, flags: { format: "stylish" | "json"; config?: string }): Promise<number> {
  const loaded = await loadConfig(io.cwd, flags.config);
  const dir = stateDir(io.env, loaded, io.cwd);
  const rows = listRuns(dir).map((id) => {
    try {
      const { events, torn } = readJournal(journalPath(dir, id));
      const state = reduceRun(events);
      const p = progressOf(events);
      const status = state.finished?.status ?? (p.interrupted ? "interrupted" : "unfinished");
      const done = p.steps.filter((s) => s.status === "done").length;
      return { runId: id, runbook: state.started.runbook.id, status, operator: state.started.operator, host: state.started.host, startedAt: state.started.ts, lastEventAt: state.lastEvent.ts, steps: `${done}/${p.steps.length}`, torn: torn !== undefined };
    } catch (e) {
      return { runId: id, runbook: "?", status: `unreadable: ${(e as Error).message}`, operator: "?", host: "?", startedAt: "?", lastEventAt: "?", steps: "?", torn: false };
    }
  });
  if (flags.format === "json") {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  if (rows.length === 0) {
    io.stdout.write(`No runs in ${path.relative(io.cwd, dir) || dir}.\n`);
    return EXIT.ok;
  }
  const w = rows.reduce((n, r) => Math.max(n, r.runId.length), 0);
  for (const r of rows) io.stdout.write(`${r.runId.padEnd(w)}  ${r.status.padEnd(15)}  steps ${r.steps.padEnd(5)}  ${r.operator}@${r.host}  last event ${r.lastEventAt}\n`);
  return EXIT.ok;
}
