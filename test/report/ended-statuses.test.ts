import { describe, expect, it } from "vitest";
import { failoverStarted } from "../helpers/failover-journal.js";
import type { JournalEvent, NewEvent } from "../../src/journal/events.js";
import { assembleHandoff, handoffMarkdown, handoffText } from "../../src/report/handoff-report.js";
import { computeStats } from "../../src/report/run-stats.js";
import { summarize } from "../../src/report/run-summary.js";
import { Timeline } from "../../src/report/timeline.js";
import { createFold, reduce } from "../../src/run/state.js";
import { describeRecord } from "../../src/report/shared-record-text.js";

/** A journal of version 5, from events without their envelope. */
function journal(events: NewEvent[]): JournalEvent[] {
  const t0 = Date.parse("2026-12-02T09:00:00Z");
  return events.map((e, i) => ({ v: 5, seq: i + 1, ts: new Date(t0 + i * 60_000).toISOString(), ...e }) as JournalEvent);
}

const started: NewEvent = failoverStarted("20261202T090000Z-failover-abcd", { onFailure: "abort", yes: true });
const ran = (target: string): NewEvent[] => [
  { type: "attempt_started", target, phase: "command", attempt: 1 },
  { type: "attempt_finished", target, phase: "command", attempt: 1, exitCode: 0, signal: null, timedOut: false, durationMs: 10, retryInMs: null },
  { type: "step_finished", target, status: "done", by: "run" },
];

// promote is irreversible: a rollback requested after dns undoes dns and stops there.
const rolledBackTo = journal([
  started,
  ...ran("snapshot"),
  ...ran("promote"),
  ...ran("dns"),
  { type: "rollback_started", reason: "requested by bob", targets: ["dns"], cause: "request", barrier: { target: "promote", reason: "the old primary is gone" }, beyond: ["promote", "snapshot"] },
  { type: "rollback_finished", target: "dns", status: "rolled_back" },
  { type: "run_finished", status: "rolled_back_to", exitCode: 0 },
]);

const closed = journal([
  { ...started, runId: "20261202T090000Z-failover-ef01" } as NewEvent,
  ...ran("snapshot"),
  { type: "attempt_started", target: "promote", phase: "command", attempt: 1 },
  { type: "run_finished", status: "closed", exitCode: 0, by: "bob", note: "drill abandoned" },
]);

describe("readers of the version 5 ends: rolled back to an irreversible step, and closed", () => {
  it("a run rolled back to an irreversible step has ended; the report and the timeline say what was not undone", () => {
    const s = summarize(reduce(rolledBackTo), undefined);
    expect(s).toMatchObject({ word: "rolled back to promote", step: undefined, waitingFor: undefined, commands: {}, notUndone: ["promote", "snapshot"], barrier: { target: "promote" } });
    const report = assembleHandoff({ reads: [{ runId: s.runId, summary: s, torn: false }], now: Date.parse("2026-12-02T12:00:00Z"), sinceMs: 12 * 3_600_000, stale: [], changed: [], gitChecked: true, remote: undefined });
    expect(report.open).toHaveLength(0);
    const md = handoffMarkdown(report);
    expect(md).toContain("## Ended in the window (1)");
    expect(md).toContain("- `20261202T090000Z-failover-abcd` DB failover: rolled back to promote in ");
    expect(md).toContain("  - stopped at: `promote` is irreversible (the old primary is gone): the rollback stopped there");
    expect(md).toContain("  - not undone: `promote`, `snapshot`");
    expect(handoffText(report)).toContain("not undone:  promote, snapshot");
    let out = "";
    const tl = new Timeline((t) => (out += t));
    const fold = createFold();
    for (const e of rolledBackTo) {
      fold.add(e);
      tl.onEvent(e, fold.result());
    }
    tl.end(reduce(rolledBackTo), undefined);
    expect(out).toContain("it stops at the irreversible step `promote` (the old primary is gone), leaving `promote`, `snapshot` as they are");
    expect(out).toContain("run **rolled back to an irreversible step**");
    expect(out).toContain("**rolled back to promote**");
    expect(out).toContain("Not undone (before the irreversible step `promote`: the old primary is gone): `promote`, `snapshot`.");
  });

  it("a closed run has ended, by whom and why, where it was left; it counts in stats as closed, not as a failure", () => {
    const state = reduce(closed);
    const s = summarize(state, undefined);
    expect(s).toMatchObject({ word: "closed", closedBy: "bob", note: "drill abandoned", step: "promote", stepWord: "interrupted", waitingFor: undefined, commands: {} });
    const report = assembleHandoff({ reads: [{ runId: s.runId, summary: s, torn: false }], now: Date.parse("2026-12-02T12:00:00Z"), sinceMs: 12 * 3_600_000, stale: [], changed: [], gitChecked: true, remote: undefined });
    expect(report.open).toHaveLength(0);
    const md = handoffMarkdown(report);
    expect(md).toMatch(/- `20261202T090000Z-failover-ef01` DB failover: closed by bob at 2026-12-02 09:05:00Z, 5m after it started \(2026-12-02 09:00:00Z by alice@laptop-a\)/);
    expect(md).toContain("  - reason: drill abandoned");
    expect(md).toContain("  - left at: `promote` (interrupted; 1 of 3 steps done)");
    const figures = computeStats([s, summarize(reduce(rolledBackTo), undefined)]).all;
    expect(figures).toMatchObject({ runs: 2, closed: 1, ended: 1, rolledBack: 1, open: 0, successRate: 0 });
    expect(describeRecord(state, undefined, Date.now())).toBe("closed; 1 of 3 steps done; ended at 2026-12-02T09:05:00.000Z by bob");
  });
});
