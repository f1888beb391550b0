import { describe, expect, it } from "vitest";
import { failed, outcome, passed, type AttemptEnd } from "../../src/journal/outcome.js";
import { describeFailure } from "../../src/report/failure-text.js";
import { outcomeWord } from "../../src/run/words.js";

const end = (over: Partial<AttemptEnd>): AttemptEnd => ({ exitCode: 0, signal: null, timedOut: false, ...over });

describe("outcome: the one answer to 'did the attempt pass?'", () => {
  it.each([
    // [what was recorded, outcome, passed, failed, the word, the failure text]
    [{}, { kind: "passed" }, true, false, "passed", "passed"],
    [{ exitCode: 1 }, { kind: "exit", code: 1 }, false, true, "exit 1", "exit 1"],
    [{ exitCode: 141 }, { kind: "exit", code: 141 }, false, true, "exit 141", "exit 141"],
    [{ exitCode: null }, { kind: "exit", code: null }, false, true, "failed", "failed"],
    // Killed by a signal: failed, whatever code came with it (the engine used to call exit 0 + a signal a pass).
    [{ exitCode: null, signal: "SIGKILL" }, { kind: "signal", signal: "SIGKILL" }, false, true, "killed by SIGKILL", "killed by SIGKILL"],
    [{ exitCode: 0, signal: "SIGPIPE" }, { kind: "signal", signal: "SIGPIPE" }, false, true, "killed by SIGPIPE", "killed by SIGPIPE"],
    // Timed out: the signal that stopped it is the tool's own doing.
    [{ exitCode: null, signal: "SIGTERM", timedOut: true }, { kind: "timeout" }, false, true, "timed out", "timed out after 30s"],
    [{ exitCode: 0, timedOut: true }, { kind: "timeout" }, false, true, "timed out", "timed out after 30s"],
    [{ exitCode: null, error: "spawn bash ENOENT" }, { kind: "error", error: "spawn bash ENOENT" }, false, true, "could not start: spawn bash ENOENT", "could not start: spawn bash ENOENT"],
    // Interrupted: neither passed nor failed, whatever the process left (the timeline used to show exit 0 as passed).
    [{ exitCode: 0, interrupted: true }, { kind: "interrupted" }, false, false, "cut short", "interrupted: its outcome is unknown"],
    [{ exitCode: null, signal: "SIGINT", interrupted: true }, { kind: "interrupted" }, false, false, "cut short", "interrupted: its outcome is unknown"],
    [{ exitCode: 130, interrupted: false }, { kind: "exit", code: 130 }, false, true, "exit 130", "exit 130"],
  ] as const)("%j is %j", (over, expected, isPassed, isFailed, word, text) => {
    const r = end(over);
    expect(outcome(r)).toEqual(expected);
    expect(passed(r)).toBe(isPassed);
    expect(failed(r)).toBe(isFailed);
    expect(outcomeWord(outcome(r))).toBe(word);
    expect(describeFailure(r, 30_000).what).toBe(text);
  });
});
