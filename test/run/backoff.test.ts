import { describe, expect, it } from "vitest";
import { backoffDelay, MAX_BACKOFF_MS } from "../../src/run/backoff.js";

describe("backoffDelay", () => {
  it("grows exponentially, is jittered down from the ceiling, and is capped", () => {
    expect(backoffDelay(1000, 1, 0.999)).toBe(999);
    expect(backoffDelay(1000, 3, 0.999)).toBe(3996);
    expect(backoffDelay(1000, 3, 0)).toBe(0);
    expect(backoffDelay(1000, 40, 0.999)).toBeLessThanOrEqual(MAX_BACKOFF_MS);
  });
});
