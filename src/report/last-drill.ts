import type { RunSummary } from "./run-summary.js";

/** A runbook's latest drill (`runbook drill`), from the journals this clone holds. */
export interface LastDrill {
  readonly runId: string;
  readonly at: string;
  /** `passed`: it recorded a verification; `failed`: it ended without one; `open`: it has not ended. */
  readonly outcome: "passed" | "failed" | "open";
}

/** Each runbook's latest drill, by runbook id. Pure. */
export function lastDrills(runs: readonly RunSummary[]): Map<string, LastDrill> {
  const out = new Map<string, LastDrill>();
  for (const r of runs) {
    if (!r.drill) continue;
    const seen = out.get(r.runbook);
    if (seen && seen.at >= r.startedAt) continue;
    out.set(r.runbook, { runId: r.runId, at: r.startedAt, outcome: r.verified ? "passed" : r.endedAt === undefined ? "open" : "failed" });
  }
  return out;
}

/** `2026-12-02 failed (run 20261202T…)`. */
export function lastDrillText(d: LastDrill): string {
  return `${d.at.slice(0, 10)} ${d.outcome} (run ${d.runId})`;
}
