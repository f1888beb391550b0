import path from "node:path";
import { EXIT } from "../../core/errors.js";
import { readSummaries } from "../../report/read-runs.js";
import type { RunSummary } from "../../report/run-summary.js";
import { printableLine } from "../../core/printable.js";
import { offerBrief, offerLines } from "../../report/openness.js";
import { createColors } from "picocolors";
import { useColor, type Io } from "../io.js";
import { historyCell, historyText, openRuns, type RunsWorld } from "../shared-runs.js";

/** Runs and where each stands, at a glance: what a person taking over an incident looks at first. */
export default async function runs(io: Io, flags: { format: "table" | "json"; config?: string }): Promise<number> {
  return listRuns(io, await openRuns(io, flags.config), flags);
}

export function listRuns(io: Io, ctx: RunsWorld, flags: { format: "table" | "json" }): number {
  const reads = readSummaries(ctx.store, (id, run) => ctx.holderOf(id, run));
  if (flags.format === "json") {
    const history = (id: string) => (ctx.history ? { history: ctx.history.get(id) ?? null } : {});
    const rows = reads.map((r) => ("error" in r ? { runId: r.runId, status: "unreadable", error: r.error, ...history(r.runId) } : { ...jsonRow(r.summary), torn: r.torn, ...history(r.summary.runId) }));
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  if (reads.length === 0) {
    io.stdout.write(`No runs in ${path.relative(io.cwd, ctx.store.location) || ctx.store.location}.\n`);
    return EXIT.ok;
  }
  const rows = reads.map((r) => ("error" in r ? [r.runId, "?", "?", "?", "unreadable", printableLine(r.error), ""] : tableRow(r.summary)));
  // Colour goes on after the columns are padded (escapes have no width); break glass and flagged histories in red.
  const c = createColors(useColor(io, io.stdout));
  const red = (text: string) => text.replace(/ BREAK GLASS(?=\s|$)/gm, ` ${c.red(c.bold(BREAK_GLASS))}`).replace(/FLAGGED/g, c.red(c.bold("FLAGGED")));
  const history = ctx.history;
  if (history === undefined) {
    io.stdout.write(red(table(["RUN", "TITLE", "OPERATOR", "STARTED", "STATE", "STEP", "NEXT"], rows)));
    return EXIT.ok;
  }
  // Signed histories (approvals:): a column, then what is wrong with each flagged one, in full.
  const withHistory = rows.map((row) => [...row.slice(0, 6), printableLine(historyCell(history.get(row[0] ?? ""))), ...row.slice(6)]);
  io.stdout.write(red(table(["RUN", "TITLE", "OPERATOR", "STARTED", "STATE", "STEP", "HISTORY", "NEXT"], withHistory)));
  const flagged = [...history].filter(([, t]) => t.status === "flagged");
  if (flagged.length) io.stdout.write(red(`${flagged.map(([id, t]) => `${id}  history ${printableLine(historyText(t))}`).join("\n")}\n`));
  return EXIT.ok;
}

export function jsonRow(s: RunSummary) {
  return {
    runId: s.runId,
    runbook: s.runbook,
    title: s.title,
    status: s.word,
    operator: s.operator,
    host: s.host,
    by: s.by,
    startedAt: s.startedAt,
    endedAt: s.endedAt ?? null,
    lastEventAt: s.lastAt,
    steps: `${s.done}/${s.total}`,
    step: s.step ?? null,
    stepStatus: s.stepWord ?? null,
    holder: s.holder ? { runId: s.holder.runId, operator: s.holder.user, host: s.holder.host, pid: s.holder.pid, leaseUntil: s.holder.leaseUntil ?? null } : null,
    // What to type next, as every view offers it (report/openness.ts).
    next: offerLines(s.commands).map((l) => ({ label: l.label, command: l.command ?? null, words: l.words ?? null })),
    notes: s.notes.length,
    breakGlass: s.breakGlass ?? null,
    ...(s.status === "closed" ? { closedBy: s.closedBy ?? null, reason: s.note ?? null } : {}),
    ...(s.status === "rolled_back_to" ? { barrier: s.barrier?.target ?? null, notUndone: s.notUndone } : {}),
  };
}

/** What marks a run started without approval in the STATE column (red in a terminal). */
const BREAK_GLASS = "BREAK GLASS";

export function tableRow(s: RunSummary): string[] {
  // Who holds it now (after a takeover: the new holder), not who started it (the OPERATOR column).
  const held = s.holder ? ` (${s.holder.user}@${s.holder.host}, ${s.holder.leaseUntil ? `lease until ${s.holder.leaseUntil.slice(11, 19)}Z` : `pid ${s.holder.pid}`})` : "";
  const closed = s.status === "closed" ? ` by ${s.closedBy ?? "?"}` : "";
  const step = s.step ? `${s.stepWord} ${s.step}` : `${s.done}/${s.total} done`;
  const glass = s.breakGlass !== undefined ? ` ${BREAK_GLASS}` : "";
  return [s.runId, s.title, `${s.operator}@${s.host}`, s.startedAt.slice(0, 16).replace("T", " "), `${s.word}${held}${closed}${glass}`, step, offerBrief(s.commands)].map(printableLine);
}

/** Columns padded to their widest cell; no line ends in spaces (an empty last cell adds none). */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return `${all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n")}\n`;
}
