import type { RunSummary } from "./run-summary.js";

/** The figures of one runbook's runs (or of all of them). Rates are fractions, null with nothing to divide by. */
export interface RunbookStats {
  readonly runbook: string;
  readonly title: string;
  readonly runs: number;
  /** Runs that ended with an outcome: completed, failed, aborted, rolled back (wholly or to an irreversible step), rollback failed. */
  readonly ended: number;
  readonly completed: number;
  readonly failed: number;
  readonly aborted: number;
  readonly rolledBack: number;
  /** Closed by someone (`runbook close`): ended, but neither a success nor a failure of the runbook. */
  readonly closed: number;
  /** Live or interrupted: not ended. */
  readonly open: number;
  /** completed / ended. */
  readonly successRate: number | null;
  /** Start to end of completed runs (time to recover, for a failover), nearest-rank percentiles. */
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
  /** Runs in which a rollback started, and that over all runs. */
  readonly rollbacks: number;
  readonly rollbackRate: number | null;
  /** Completed with no step retried, skipped, assumed or done by hand, over completed runs. */
  readonly automatic: number;
  readonly automaticRate: number | null;
  /** Runs `runbook drill` started that ended, those that recorded a verification, and that rate (docs/drills.md). */
  readonly drills: number;
  readonly drillsPassed: number;
  readonly drillPassRate: number | null;
  /** Runs started with `--break-glass`, without approval. */
  readonly breakGlass: number;
}

/** Figures per runbook, busiest first, and for all runs. Pure. */
export function computeStats(runs: readonly RunSummary[]): { readonly runbooks: RunbookStats[]; readonly all: RunbookStats } {
  const by = new Map<string, RunSummary[]>();
  for (const r of runs) by.set(r.runbook, [...(by.get(r.runbook) ?? []), r]);
  const runbooks = [...by.entries()].map(([id, list]) => figures(id, list.at(-1)?.title ?? id, list)).sort((a, b) => b.runs - a.runs || a.runbook.localeCompare(b.runbook));
  return { runbooks, all: figures("*", "all runbooks", runs) };
}

function figures(runbook: string, title: string, runs: readonly RunSummary[]): RunbookStats {
  const count = (status: RunSummary["status"]) => runs.filter((r) => r.status === status).length;
  const completedRuns = runs.filter((r) => r.status === "completed");
  // A closed run was abandoned (an old drill), not tried to the end: it is left out of the success rate.
  const closed = count("closed");
  const ended = runs.filter((r) => r.endedAt !== undefined).length - closed;
  const times = completedRuns.map((r) => r.durationMs).sort((a, b) => a - b);
  const rollbacks = runs.filter((r) => r.rolledBack).length;
  const automatic = completedRuns.filter((r) => !r.retried && !r.skippedOrManual).length;
  const rate = (n: number, d: number) => (d === 0 ? null : n / d);
  const drills = runs.filter((r) => r.drill && r.endedAt !== undefined && r.status !== "closed");
  return {
    runbook,
    title,
    runs: runs.length,
    ended,
    completed: completedRuns.length,
    failed: count("failed"),
    aborted: count("aborted"),
    rolledBack: count("rolled_back") + count("rolled_back_to") + count("rollback_failed"),
    closed,
    open: runs.length - ended - closed,
    successRate: rate(completedRuns.length, ended),
    medianMs: percentile(times, 0.5),
    p90Ms: percentile(times, 0.9),
    rollbacks,
    rollbackRate: rate(rollbacks, runs.length),
    automatic,
    automaticRate: rate(automatic, completedRuns.length),
    drills: drills.length,
    drillsPassed: drills.filter((r) => r.verified).length,
    drillPassRate: rate(drills.filter((r) => r.verified).length, drills.length),
    breakGlass: runs.filter((r) => r.breakGlass !== undefined).length,
  };
}

/** Nearest rank: the smallest value with at least `p` of the values at or below it. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? null;
}
