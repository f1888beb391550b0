import { describe, expect, it } from "vitest";
import type { JournalEvent, NewEvent } from "../../src/journal/events.js";
import { reduce } from "../../src/run/state.js";
import { toView } from "../../src/report/run-view.js";
import { failoverStarted } from "../helpers/failover-journal.js";

// A step on a group runs its hosts side by side: its time is what their attempts cover together
// (the run's summary said 48 s for a step of 39 s, adding the hosts up), and while any host runs,
// the screen's clock for the step ticks from the earliest of them.
const ID = "20261203T090000Z-failover-abcd";
const t0 = Date.UTC(2026, 11, 3, 9, 0, 0);
const at = (ms: number) => new Date(t0 + ms).toISOString();
const started = { ...failoverStarted(ID, { onFailure: "ask", yes: false }), order: ["repoint"], targets: { app: ["app-1", "app-2", "app-3"] }, on: { repoint: "app" } } as NewEvent;
const begin = (host: string, ms: number) => ({ ev: { type: "attempt_started", target: "repoint", host, phase: "command", attempt: 1 } as NewEvent, ms });
const end = (host: string, from: number, to: number) => ({ ev: { type: "attempt_finished", target: "repoint", host, phase: "command", attempt: 1, exitCode: 0, signal: null, timedOut: false, durationMs: to - from, retryInMs: null } as NewEvent, ms: to });
function journal(items: Array<{ ev: NewEvent; ms: number }>): JournalEvent[] {
  return [{ ev: started, ms: 0 }, ...items].map(({ ev, ms }, i) => ({ v: 8, seq: i + 1, ts: at(ms), ...ev }) as JournalEvent);
}

describe("the time of a step on a group", () => {
  it("counts overlapping host attempts once, and a stretch after a gap (the next batch) on its own", () => {
    const s = reduce(journal([begin("app-1", 0), begin("app-2", 2_000), end("app-1", 0, 10_000), end("app-2", 2_000, 12_000), begin("app-3", 20_000), end("app-3", 20_000, 25_000)]));
    // 0–12 s together, then 20–25 s: 17 s, not 10 + 10 + 5 = 25 s.
    expect(s.steps.get("repoint")?.durationMs).toBe(17_000);
  });

  it("while hosts run, the screen's clock for the step runs from the earliest host still running", () => {
    const s = reduce(journal([begin("app-1", 0), begin("app-2", 2_000), end("app-1", 0, 10_000)]));
    const row = toView(s, { title: "t", steps: [{ id: "repoint", title: "Repoint" }] }, "me").rows[0]!;
    expect(row.runningSince).toBe(at(2_000));
  });
});
