import os from "node:os";
import path from "node:path";
import { EXIT } from "../../errors.js";
import { loadConfig } from "../../files/config.js";
import { asStopped } from "../../run/state.js";
import { toView } from "../../run/view.js";
import { fileJournalStore, readRun } from "../../state/journals.js";
import { stateDirOf } from "../../state/layout.js";
import { runIsLive, thisHost } from "../../state/lock.js";
import { printableLine } from "../../views/printable.js";
import type { Io } from "../io.js";

/** Runs in the state folder and where each stands: what a person taking over an incident looks at first. */
export default async function runs(io: Io, flags: { format: "stylish" | "json"; config?: string }): Promise<number> {
  const loaded = await loadConfig(io.cwd, flags.config);
  const dir = stateDirOf(io.env, loaded.root, loaded.config.state_dir, io.cwd);
  const store = fileJournalStore(dir);
  const machine = thisHost(os.hostname(), process.pid);
  const rows = store.list().map((id) => {
    try {
      const { state, scanned } = readRun(store, id);
      const live = runIsLive(dir, state.started.runbook.id, id, machine);
      const view = toView(live ? state : asStopped(state), { title: state.started.runbook.title ?? state.started.runbook.id, steps: state.started.order.map((s) => ({ id: s, title: s })) }, live);
      const done = view.rows.filter((r) => r.word === "done").length;
      return { runId: id, runbook: state.started.runbook.id, title: view.title, status: view.word, operator: state.started.operator, host: state.started.host, startedAt: view.startedAt, lastEventAt: view.lastAt, steps: `${done}/${view.rows.length}`, current: view.current ?? null, torn: scanned.torn !== undefined };
    } catch (e) {
      return { runId: id, runbook: "?", title: "?", status: `unreadable: ${(e as Error).message}`, operator: "?", host: "?", startedAt: "?", lastEventAt: "?", steps: "?", current: null, torn: false };
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
  for (const r of rows) {
    const at = r.current ? `  at ${printableLine(r.current)}` : "";
    io.stdout.write(`${r.runId.padEnd(w)}  ${r.status.padEnd(12)}  steps ${r.steps.padEnd(5)}  ${printableLine(r.operator)}@${printableLine(r.host)}  last event ${r.lastEventAt}${at}\n`);
  }
  return EXIT.ok;
}
