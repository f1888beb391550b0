import { EXIT } from "../../core/errors.js";
import { readSummaries } from "../../report/read-runs.js";
import { computeStats, type RunbookStats } from "../../report/run-stats.js";
import { formatDuration } from "../../model/duration.js";
import { printableLine } from "../../core/printable.js";
import type { Io } from "../io.js";
import { openRuns, type RunsWorld } from "../shared-runs.js";
import { durationFlag } from "./handoff.js";
import { table } from "./runs.js";

/** Figures from the journals of runs started in the window, per runbook (docs/handoff.md). */
export default async function stats(io: Io, flags: { since: string; format: "table" | "json"; config?: string }): Promise<number> {
  const sinceMs = durationFlag(flags.since, "--since");
  return runStats(io, await openRuns(io, flags.config), { ...flags, sinceMs });
}

export function runStats(io: Io, ctx: RunsWorld, flags: { sinceMs: number; format: "table" | "json" }): number {
  const from = ctx.now() - flags.sinceMs;
  const runs = readSummaries(ctx.store, (id, run) => ctx.holderOf(id, run)).flatMap((r) => ("summary" in r && Date.parse(r.summary.startedAt) >= from ? [r.summary] : []));
  const figures = computeStats(runs);
  if (flags.format === "json") {
    io.stdout.write(`${JSON.stringify({ since: new Date(from).toISOString(), ...figures }, null, 2)}\n`);
    return EXIT.ok;
  }
  if (runs.length === 0) {
    io.stdout.write(`No runs started since ${new Date(from).toISOString()}.\n`);
    return EXIT.ok;
  }
  const pct = (r: number | null) => (r === null ? "-" : `${Math.round(r * 100)}%`);
  const ms = (v: number | null) => (v === null ? "-" : formatDuration(v));
  const row = (s: RunbookStats) => [s.runbook === "*" ? "all" : printableLine(s.runbook), String(s.runs), `${pct(s.successRate)} (${s.completed}/${s.ended})`, ms(s.medianMs), ms(s.p90Ms), `${pct(s.rollbackRate)} (${s.rollbacks})`, `${pct(s.automaticRate)} (${s.automatic}/${s.completed})`, `${pct(s.drillPassRate)} (${s.drillsPassed}/${s.drills})`, String(s.breakGlass)];
  io.stdout.write(table(["RUNBOOK", "RUNS", "SUCCESS", "MEDIAN", "P90", "ROLLBACK", "AUTOMATIC", "DRILLS PASSED", "BREAK GLASS"], [...figures.runbooks.map(row), row(figures.all)]));
  // Closed runs (`runbook close`) are in RUNS but not in SUCCESS: say how many, when there are any.
  if (figures.all.closed) io.stdout.write(`${figures.all.closed} closed run${figures.all.closed === 1 ? "" : "s"} (runbook close) left out of SUCCESS.\n`);
  return EXIT.ok;
}
