import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_MS, setLongTimeout } from "../../src/system/long-timer.js";

describe("setLongTimeout", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fires after delays Node's 32-bit timers cannot hold (24.8 days and up), not after 1 ms", () => {
    vi.useFakeTimers();
    for (const ms of [MAX_TIMER_MS + 1, 28 * 86_400_000, 3 * MAX_TIMER_MS + 5]) {
      const fn = vi.fn();
      setLongTimeout(fn, ms);
      vi.advanceTimersByTime(1000);
      expect(fn).not.toHaveBeenCalled();
      vi.advanceTimersByTime(ms - 1001);
      expect(fn).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(fn).toHaveBeenCalledTimes(1);
    }
  });

  it("fires short delays as setTimeout does, and never once cleared, even mid-chain", () => {
    vi.useFakeTimers();
    const short = vi.fn();
    setLongTimeout(short, 50);
    vi.advanceTimersByTime(50);
    expect(short).toHaveBeenCalledTimes(1);
    const cleared = vi.fn();
    const t = setLongTimeout(cleared, 2 * MAX_TIMER_MS);
    vi.advanceTimersByTime(MAX_TIMER_MS + 10);
    t.clear();
    vi.advanceTimersByTime(2 * MAX_TIMER_MS);
    expect(cleared).not.toHaveBeenCalled();
  });
});
