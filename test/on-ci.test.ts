import { describe, expect, it } from "vitest";
import { onCi } from "../src/system/on-ci.js";
import { isInteractive } from "../src/cli/real-world.js";

describe("onCi", () => {
  it("is true for any CI value but empty, false and 0", () => {
    expect([undefined, "", "false", "0"].map((CI) => onCi({ CI }))).toEqual([false, false, false, false]);
    expect(["true", "1", "yes", "github"].map((CI) => onCi({ CI }))).toEqual([true, true, true, true]);
  });
  it("decides whether a person can answer, with both ends a terminal", () => {
    const io = (CI: string | undefined) => ({ stdin: { isTTY: true }, stdout: { isTTY: true }, env: { CI } }) as unknown as Parameters<typeof isInteractive>[0];
    expect(isInteractive(io("false"))).toBe(true);
    expect(isInteractive(io("true"))).toBe(false);
  });
});
