import { createColors } from "picocolors";
import { EXIT } from "../../core/errors.js";
import { Timeline } from "../../report/timeline.js";
import type { JournalEvent } from "../../journal/events.js";
import { buildRunbook } from "../../model/build-runbook.js";
import { readRun } from "../../run/read-run.js";
import type { ViewPlan } from "../../report/run-view.js";
import { PlainView } from "../../report/plain-view.js";
import { printableLine } from "../../core/printable.js";
import { blockingOutput, useColor, type Io } from "../io.js";
import { historyText, openRuns, runIdIn, type RunsWorld } from "../shared-runs.js";
import type { HistoryTrust } from "../../state/shared/signed-history.js";

/**
 * Replays a run from its journal: who ran what, every answer, every attempt and all of its output
 * (the screen shows only the last lines). What a person taking over an incident reads first. The
 * journal is read as a stream, however large it is.
 */
export default async function log(cli: Io, given: string, flags: { step?: string; format: "text" | "json" | "markdown"; config?: string }): Promise<number> {
  // A big journal into a slow reader: write as fast as it reads, never faster.
  const io = { ...cli, stdout: blockingOutput(cli.stdout) };
  return showLog(io, await openRuns(io, flags.config), given, flags);
}

export function showLog(io: Io, ctx: RunsWorld, given: string, flags: { step?: string; format: "text" | "json" | "markdown" }): number {
  const { store } = ctx;
  const runId = runIdIn(store, io.cwd, given);
  const trust = ctx.history?.get(runId);
  // Said first, before anything the history holds is shown: a flagged history is not what the team pushed.
  if (trust && flags.format !== "json") io.stdout.write(flags.format === "markdown" ? historyAlert(trust) : `history: ${printableLine(historyText(trust))}\n`);
  const timeline = flags.format === "markdown" ? new Timeline((t) => io.stdout.write(t)) : undefined;
  const shown = (e: JournalEvent) => flags.step === undefined || e.type === "run_started" || !("target" in e) || e.target === flags.step;
  let view: PlainView | undefined;
  let first = true;
  if (flags.format === "json") io.stdout.write("[");
  const { state, scanned } = readRun(store, runId, (e, now) => {
    if (!shown(e)) return;
    if (timeline) return timeline.onEvent(e, now);
    if (flags.format === "json") {
      io.stdout.write(`${first ? "\n" : ",\n"}${JSON.stringify(e)}`);
      first = false;
      return;
    }
    if (e.type === "run_started") {
      io.stdout.write(header(e, createColors(useColor(io, io.stdout))));
      view = new PlainView(io.stdout, planFor(ctx.runbookText(e.runbook.file), e.runbook.file, e.runbook.title, e.order), useColor(io, io.stdout));
    } else view?.onEvent(e, now);
  });
  if (flags.format === "json") {
    io.stdout.write("\n]\n");
    return EXIT.ok;
  }
  // Who holds it now, if anyone: a live run held by someone else is theirs (report/openness.ts).
  const holder = ctx.holderOf(state.started.runbook.id, runId);
  if (timeline) {
    timeline.end(state, holder);
    return EXIT.ok;
  }
  io.stdout.write(view?.summary(state, store.pathOf(runId), holder) ?? "");
  if (scanned.torn) io.stdout.write("(the last line of the journal was torn by a crash and is not shown)\n");
  return EXIT.ok;
}

function header(s: Extract<JournalEvent, { type: "run_started" }>, c: ReturnType<typeof createColors>): string {
  const lines = [
    `Run ${s.runId} of ${printableLine(s.runbook.id)} (${printableLine(s.runbook.path ?? s.runbook.file)})`,
    `started ${s.ts} by ${printableLine(s.operator)}@${printableLine(s.host)}${s.git ? ` at commit ${s.git.commit.slice(0, 12)}${s.git.dirty ? " (file modified)" : ""}` : ""}`,
  ];
  const params = Object.entries(s.params);
  if (params.length) lines.push(`params: ${params.map(([k, v]) => `${k}=${printableLine(v)}`).join(" ")}`);
  if (s.approval) lines.push(`approved plan ${s.approval.plan}: requested by ${printableLine(s.approval.requester)}, approved by ${s.approval.approvers.map(printableLine).join(", ")}`);
  if (s.approvalAt?.length) lines.push(`approval needed before ${s.approvalAt.map((id) => printableLine(id)).join(", ")}: the run waits there for an approved plan`);
  if (s.breakGlass) lines.push(c.red(c.bold(`BREAK GLASS: run without ${s.breakGlass.needed ? "the approval this runbook needs" : "an approved plan"}: ${printableLine(s.breakGlass.reason)}`)));
  return `${lines.join("\n")}\n\n`;
}

/** Step titles from the runbook if it is still there; the ids alone otherwise. */
function planFor(text: string | undefined, file: string, title: string | null, order: readonly string[]): ViewPlan {
  const titles = new Map<string, string>();
  try {
    // The runbook moved or was deleted: ids will do.
    if (text !== undefined) for (const st of buildRunbook(file, text).steps) titles.set(st.id, st.title);
  } catch {
    // a runbook the model cannot read: ids will do
  }
  return { title: title ?? file, steps: order.map((id) => ({ id, title: titles.get(id) ?? id })) };
}

/** A flagged history as a red `> [!CAUTION]` alert on GitHub; a verified one as a line. */
function historyAlert(t: HistoryTrust): string {
  const text = printableLine(historyText(t));
  return t.status === "flagged" ? `> [!CAUTION]\n> **History ${text}**\n\n` : `History ${text}.\n\n`;
}
