import { describe, expect, it } from "vitest";
import { heartbeatMs, leaseFresh, MAX_TIMER_MS, pushGapMs } from "../../src/state/shared/held.js";

describe("a held lease, judged by the clock", () => {
  it("a block may start while the last confirmed renewal is less than half a lease old and none failed since", () => {
    const lease = 120_000;
    expect(leaseFresh(1_000, 1_000, lease, false)).toBe(true);
    expect(leaseFresh(1_000, 1_000 + lease / 2 - 1, lease, false)).toBe(true);
    expect(leaseFresh(1_000, 1_000 + lease / 2, lease, false)).toBe(false);
    // A failed renewal makes the next block wait, however fresh the last one.
    expect(leaseFresh(1_000, 1_001, lease, true)).toBe(false);
  });

  it("the heartbeat is a quarter of a lease, never under 50 ms, and never past what a Node timer holds", () => {
    expect(heartbeatMs(120_000)).toBe(30_000);
    expect(heartbeatMs(100)).toBe(50);
    // A 400-day lease: a quarter is past 2^31-1 ms, which a Node timer would fire at once, every millisecond.
    expect(heartbeatMs(400 * 86_400_000)).toBe(MAX_TIMER_MS);
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1);
  });

  it("pushes of the journal are at least a quarter of a second apart, and always within half a heartbeat", () => {
    expect(pushGapMs(120_000)).toBe(250);
    expect(pushGapMs(3_000)).toBe(250);
    expect(pushGapMs(1_000)).toBe(125);
    expect(pushGapMs(100)).toBe(25);
  });
});
