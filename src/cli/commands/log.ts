import os from "node:os";
import { readFileSync } from "node:fs";
import { EXIT, UsageError } from "../../errors.js";
import { loadConfig } from "../../files/config.js";
import type { JournalEvent } from "../../journal/events.js";
import { buildRunbook } from "../../model/build-runbook.js";
import { asStopped, createFold } from "../../run/state.js";
import type { ViewPlan } from "../../run/view.js";
import { fileJournalStore } from "../../state/journals.js";
import { checkRunId, stateDirOf } from "../../state/layout.js";
import { runIsLive, thisHost } from "../../state/lock.js";
import { PlainView } from "../../views/plain.js";
import { printableLine } from "../../views/printable.js";
import { useColor, type Io } from "../io.js";

/**
 * Replays a run from its journal: who ran what, every answer, every attempt and all of its output
 * (the screen shows only the last lines). What a person taking over an incident reads first. The
 * journal is read as a stream, however large it is.
 */
export default async function log(io: Io, runId: string, flags: { step?: string; format: "text" | "json"; config?: string }): Promise<number> {
  checkRunId(runId);
  const loaded = await loadConfig(io.cwd, flags.config);
  const dir = stateDirOf(io.env, loaded.root, loaded.config.state_dir, io.cwd);
  const store = fileJournalStore(dir);
  if (!store.exists(runId)) {
    const recent = store.list().slice(-5);
    throw new UsageError(`no run ${runId} in ${dir}`, { hint: recent.length ? `Recent runs: ${recent.join(", ")}` : "See `runbook runs`." });
  }
  const shown = (e: JournalEvent) => flags.step === undefined || e.type === "run_started" || !("target" in e) || e.target === flags.step;
  const fold = createFold();
  let view: PlainView | undefined;
  let first = true;
  if (flags.format === "json") io.stdout.write("[");
  const scanned = store.scan(runId, (e) => {
    fold.add(e);
    if (!shown(e)) return;
    if (flags.format === "json") {
      io.stdout.write(`${first ? "\n" : ",\n"}${JSON.stringify(e)}`);
      first = false;
      return;
    }
    if (e.type === "run_started") {
      io.stdout.write(header(e));
      view = new PlainView(io.stdout, planFor(e.runbook.file, e.runbook.title, e.order), useColor(io, io.stdout));
    } else view?.onEvent(e);
  });
  if (flags.format === "json") {
    io.stdout.write("\n]\n");
    return EXIT.ok;
  }
  const state = fold.result();
  const live = runIsLive(dir, state.started.runbook.id, runId, thisHost(os.hostname(), process.pid));
  io.stdout.write(view?.summary(live ? state : asStopped(state), store.pathOf(runId), live) ?? "");
  if (scanned.torn) io.stdout.write("(the last line of the journal was torn by a crash and is not shown)\n");
  return EXIT.ok;
}

function header(s: Extract<JournalEvent, { type: "run_started" }>): string {
  const lines = [
    `Run ${s.runId} of ${printableLine(s.runbook.id)} (${printableLine(s.runbook.path ?? s.runbook.file)})`,
    `started ${s.ts} by ${printableLine(s.operator)}@${printableLine(s.host)}${s.git ? ` at commit ${s.git.commit.slice(0, 12)}${s.git.dirty ? " (file modified)" : ""}` : ""}`,
  ];
  const params = Object.entries(s.params);
  if (params.length) lines.push(`params: ${params.map(([k, v]) => `${k}=${printableLine(v)}`).join(" ")}`);
  return `${lines.join("\n")}\n\n`;
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
