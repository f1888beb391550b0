import { EXIT, RunbookError, UsageError } from "../../core/errors.js";
import { readSummaries } from "../../report/read-runs.js";
import { lastDrills, lastDrillText } from "../../report/last-drill.js";
import { assembleHandoff, handoffMarkdown, handoffText, type StaleRunbook } from "../../report/handoff-report.js";
import { parseDuration } from "../../model/duration.js";
import type { StepsChange } from "../../check/assess.js";
import type { Io } from "../io.js";
import { openRuns, type RunsWorld } from "../shared-runs.js";

/** The shift report (docs/handoff.md): open runs and how to go on, runs ended, notes, stale and changed runbooks. */
export default async function handoff(io: Io, flags: { since: string; format: "markdown" | "text" | "json"; config?: string }): Promise<number> {
  const sinceMs = durationFlag(flags.since, "--since");
  return shiftReport(io, await openRuns(io, flags.config), { ...flags, sinceMs });
}

export async function shiftReport(io: Io, ctx: RunsWorld, flags: { sinceMs: number; format: "markdown" | "text" | "json" }): Promise<number> {
  const { sinceMs } = flags;
  const now = ctx.now();
  const reads = readSummaries(ctx.store, (id, run) => ctx.holderOf(id, run), ctx.factsOf);
  const drills = lastDrills(reads.flatMap((r) => ("summary" in r ? [r.summary] : [])));
  const drillOf = (id: string | null | undefined) => {
    const d = id ? drills.get(id) : undefined;
    return d ? lastDrillText(d) : undefined;
  };
  let stale: StaleRunbook[] = [];
  let changed: readonly StepsChange[] = [];
  let gitChecked = false;
  try {
    const assessed = await ctx.runbooks({ today: new Date(now), changedSince: new Date(now - sinceMs) });
    stale = assessed.runbooks
      // A failed last drill belongs here too, however recent the last verification.
      .filter((r) => r.staleness.findings.length || (r.staleness.id && drills.get(r.staleness.id)?.outcome === "failed"))
      .map((r) => ({ file: r.file, id: r.staleness.id ?? undefined, findings: r.staleness.findings.map((f) => f.message), lastDrill: drillOf(r.staleness.id) }));
    gitChecked = assessed.gitChecked;
    changed = assessed.changed;
  } catch (e) {
    // No runbooks where the config says (a project that keeps them elsewhere): the runs still matter.
    if (!(e instanceof RunbookError)) throw e;
    io.stderr.write(`runbook: stale runbooks not checked: ${e.message}\n`);
  }
  const remote = ctx.share ? { name: ctx.share.remote, reached: ctx.sync?.unreachable === undefined, error: ctx.sync?.unreachable } : undefined;
  const report = assembleHandoff({ reads, now, sinceMs, stale, changed, gitChecked, remote });
  if (flags.format === "json") io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(flags.format === "markdown" ? handoffMarkdown(report) : handoffText(report));
  return EXIT.ok;
}

export function durationFlag(value: string, flag: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) throw new UsageError(`${flag} expects a duration such as 12h, 2d or 30m, got \`${value}\``);
  return ms;
}
