import { describe, expect, it } from "vitest";
import type { JournalEvent } from "../../src/journal/events.js";
import { displayProse, displayShell } from "../../src/report/display-values.js";
import { describeFailure, exitHint } from "../../src/report/failure-text.js";
import { reviewEntries } from "../../src/run/param-review.js";
import { resolveParams } from "../../src/run/param-values.js";
import { apply, initialState, type AttemptResult, type RunState } from "../../src/run/state.js";
import { rowTime, storyLines, toView, type ViewPlan } from "../../src/report/run-view.js";
import { preparedFrom } from "../helpers/memory-world.js";

let seq = 0;
const ev = (e: Record<string, unknown>, ts = new Date(Date.UTC(2026, 0, 1, 10, 0, seq + 1)).toISOString()): JournalEvent => ({ v: 2, seq: ++seq, ts, ...e }) as JournalEvent;
const started = () => ev({ type: "run_started", runId: "r1", runbook: { id: "x", file: "/x.md", sha256: "0", title: null }, git: null, operator: "alice", host: "db-admin-1", pid: 1, params: { HOST: "db-1", TOKEN: "***" }, secrets: ["TOKEN"], order: ["a", "b"], options: { onFailure: "ask", yes: false, record: false } });
const block = (source: string, retries = 0, timeoutMs: number | undefined = undefined) => ({ source, line: 3, retries, timeoutMs });
const plan: ViewPlan = {
  title: "X",
  steps: [
    { id: "a", title: "A", command: block("check-lag", 3, 30_000), capture: "LEADER" },
    { id: "b", title: "B", command: block('promote "$LEADER"') },
  ],
  checks: [{ target: "@prerequisite/1", ...block("pg_isready", 1) }],
};
function fold(events: JournalEvent[]): RunState {
  let s = initialState(events[0] as Extract<JournalEvent, { type: "run_started" }>);
  for (const e of events.slice(1)) s = apply(s, e);
  return s;
}
const result = (over: Partial<AttemptResult>): AttemptResult => ({ exitCode: 0, signal: null, timedOut: false, durationMs: 5, error: undefined, retryInMs: null, interrupted: false, ...over });

describe("failure text", () => {
  it.each([
    [{ exitCode: 141 }, "exit 141", /SIGPIPE/],
    [{ exitCode: 127 }, "exit 127", /command not found/],
    [{ exitCode: 126 }, "exit 126", /not executable/],
    [{ exitCode: 130 }, "exit 130", /Ctrl-C/],
    [{ exitCode: 137 }, "exit 137", /SIGKILL/],
    [{ exitCode: 143 }, "exit 143", /SIGTERM/],
    [{ exitCode: null, signal: "SIGPIPE" }, "killed by SIGPIPE", /pipe early/],
    [{ exitCode: null, signal: "SIGTERM", timedOut: true }, "timed out after 30s", /process group/],
    [{ exitCode: null, error: "spawn bash ENOENT" }, "could not start: spawn bash ENOENT", undefined],
    [{ exitCode: 1 }, "exit 1", undefined],
  ] as const)("%j reads %s", (over, what, hint) => {
    const t = describeFailure(result(over), 30_000);
    expect(t.what).toBe(what);
    if (hint) expect(t.hint).toMatch(hint);
    else expect(t.hint).toBeUndefined();
  });

  it("names the signal behind any code above 128", () => {
    expect(exitHint(139)).toMatch(/signal 11 \(SIGSEGV\)/);
    expect(exitHint(2)).toBeUndefined();
  });
});

describe("values put in what is displayed", () => {
  const values = new Map([
    ["HOST", { value: "db-1", secret: false }],
    ["TOKEN", { value: "***", secret: true }],
    ["LEADER", { value: undefined, secret: false }],
    ["EMPTY", { value: "", secret: false }],
  ]);
  const text = (pieces: ReturnType<typeof displayShell>) => pieces.map((p) => p.text).join("");

  it("in shell source: only references that expand, never inside single quotes or comments", () => {
    expect(text(displayShell(`psql "$HOST" -c 'select $HOST' # uses $HOST\necho \${HOST} \${HOST:-x} $TOKEN $LEADER $OTHER $EMPTY`, values))).toBe(`psql "db-1" -c 'select $HOST' # uses $HOST\necho db-1 \${HOST:-x} *** $LEADER(unset) $OTHER (empty)`);
    expect(displayShell('"$TOKEN"', values).map((p) => p.kind)).toEqual(["text", "secret", "text"]);
  });

  it("in prose", () => {
    expect(text(displayProse("Fail over from $HOST (token ${TOKEN}) to $LEADER; costs $5", values))).toBe("Fail over from db-1 (token ***) to $LEADER(unset); costs $5");
  });
});

describe("toView", () => {
  it("a failed attempt: what, hint, and the block's timeout", () => {
    const v = toView(fold([started(), ev({ type: "attempt_started", target: "a", phase: "command", attempt: 1 }), ev({ type: "attempt_finished", target: "a", phase: "command", attempt: 1, exitCode: null, signal: "SIGTERM", timedOut: true, durationMs: 30_010, retryInMs: null })]), plan, "me");
    expect(v.rows[0]).toMatchObject({ word: "failed", failure: { phase: "command", attempt: 1, what: "timed out after 30s", durationMs: 30_010 }, retry: undefined });
  });

  it("an automatic retry being waited for: which attempt of how many, and when", () => {
    const endedAt = "2026-01-01T10:00:30.000Z";
    const v = toView(fold([started(), ev({ type: "attempt_started", target: "a", phase: "command", attempt: 3, retry: 1 }), ev({ type: "attempt_finished", target: "a", phase: "command", attempt: 3, exitCode: 1, signal: null, timedOut: false, durationMs: 5, retryInMs: 3200 }, endedAt)]), plan, "me");
    expect(v.rows[0]?.retry).toEqual({ attempt: 3, of: 4, at: Date.parse(endedAt) + 3200 });
    // Not once the run has stopped.
    expect(toView(fold([started(), ev({ type: "attempt_started", target: "a", phase: "command", attempt: 1 }), ev({ type: "attempt_finished", target: "a", phase: "command", attempt: 1, exitCode: 1, signal: null, timedOut: false, durationMs: 5, retryInMs: 3200 }), ev({ type: "run_interrupted", signal: "SIGINT", target: "a" })]), plan, "me").rows[0]?.retry).toBeUndefined();
  });

  it("a failed prerequisite: its label, command, failure and output", () => {
    const v = toView(fold([started(), ev({ type: "attempt_started", target: "@prerequisite/1", phase: "check", attempt: 1 }), ev({ type: "output", target: "@prerequisite/1", phase: "check", stream: "stderr", text: "no response\n" }), ev({ type: "attempt_finished", target: "@prerequisite/1", phase: "check", attempt: 1, exitCode: 2, signal: null, timedOut: false, durationMs: 5, retryInMs: null }), ev({ type: "check_finished", target: "@prerequisite/1", status: "failed" })]), plan, "me");
    expect(v.checks[0]).toMatchObject({ label: "prerequisite 1 (line 3)", status: "failed", command: "pg_isready", failure: { what: "exit 2" }, output: "no response\n" });
    expect(v.lastOutput).toEqual({ target: "@prerequisite/1", text: "no response\n" });
  });

  it("values: params as journaled (secrets ***), captures once made, unset before", () => {
    const before = toView(fold([started()]), plan, "me");
    expect(Object.fromEntries(before.values)).toEqual({ HOST: { value: "db-1", secret: false }, TOKEN: { value: "***", secret: true }, LEADER: { value: undefined, secret: false } });
    const after = toView(fold([started(), ev({ type: "attempt_started", target: "a", phase: "command", attempt: 1 }), ev({ type: "attempt_finished", target: "a", phase: "command", attempt: 1, exitCode: 0, signal: null, timedOut: false, durationMs: 5, retryInMs: null, capture: { name: "LEADER", value: "db-2", secret: false } }), ev({ type: "step_finished", target: "a", status: "done", by: "run" })]), plan, "me");
    expect(after.values.get("LEADER")).toEqual({ value: "db-2", secret: false });
  });

  it("the story of a run taken over: who, when, where, how it stopped, what was answered", () => {
    seq = 0;
    const events = [started(), ev({ type: "answer", target: "a", question: "confirm", answer: "yes", by: "alice" }), ev({ type: "attempt_started", target: "a", phase: "command", attempt: 1 }), ev({ type: "run_interrupted", signal: "SIGHUP", target: "a" })];
    const answers = events.filter((e): e is Extract<JournalEvent, { type: "answer" }> => e.type === "answer");
    expect(storyLines(toView(fold(events), plan, undefined), answers, Date.UTC(2026, 0, 1, 12, 30, 1))).toEqual([
      "Started by alice on host db-admin-1 at 10:00 UTC (2h30m ago).",
      "Stopped by SIGHUP during a at 10:00 UTC.",
      "Answered so far: 1",
      "  a: confirm → yes (alice, 10:00 UTC)",
    ]);
    expect(storyLines(toView(fold([started()]), plan, "me"), [], Date.UTC(2026, 0, 3)).slice(-1)).toEqual(["No question was answered before."]);
    const noted = fold([...events, ev({ type: "note", text: "db-2 is the new primary; do not run fence again", by: "alice" })]);
    expect(storyLines(toView(noted, plan, undefined), answers, Date.UTC(2026, 0, 1, 12, 30, 1)).at(-1)).toBe("Note by alice at 10:00 UTC: db-2 is the new primary; do not run fence again");
  });
});

describe("the param review's rows", () => {
  it("say where each value came from: -p, RUNBOOK_PARAM_, the default, or typed", () => {
    const { runbook } = preparedFrom("## Steps\n### A\n", "params:\n  A: {default: x}\n  B: {}\n  C: {}\n  D: {}\n  E: {default: y}\n");
    const given = { B: "b", C: "c", E: "z" };
    const resolved = resolveParams(runbook.meta!.params!, { ...given, D: "typed" });
    expect(reviewEntries(runbook, given, { B: "flag", C: "environment", E: "flag" }, resolved).map((e) => [e.name, e.value, e.source])).toEqual([
      ["A", "x", "default"],
      ["B", "b", "flag"],
      ["C", "c", "environment"],
      ["D", "typed", "typed"],
      ["E", "z", "flag"],
    ]);
  });
});

describe("toView in a rollback", () => {
  it("a rollback block that failed: its exit code on the step's row", () => {
    const v = toView(
      fold([
        started(),
        ev({ type: "attempt_started", target: "a", phase: "command", attempt: 1 }),
        ev({ type: "attempt_finished", target: "a", phase: "command", attempt: 1, exitCode: 0, signal: null, timedOut: false, durationMs: 5, retryInMs: null }),
        ev({ type: "step_finished", target: "a", status: "done", by: "run" }),
        ev({ type: "rollback_started", reason: "requested", targets: ["a"], cause: "request" }),
        ev({ type: "attempt_started", target: "a", phase: "rollback", attempt: 1 }),
        ev({ type: "attempt_finished", target: "a", phase: "rollback", attempt: 1, exitCode: 127, signal: null, timedOut: false, durationMs: 5, retryInMs: null }),
        ev({ type: "rollback_finished", target: "a", status: "failed" }),
      ]),
      plan,
      "me",
    );
    expect(v.rows[0]).toMatchObject({ word: "rollback failed", failure: { phase: "rollback", what: "exit 127" } });
  });
});

describe("rowTime", () => {
  it("says how long a step's attempts took, or manual for a done step that ran nothing", () => {
    expect(rowTime({ attempts: 2, durationMs: 1500, word: "done" })).toBe("1.5s (2 attempts)");
    expect(rowTime({ attempts: 1, durationMs: 5, word: "failed" })).toBe("5ms");
    expect(rowTime({ attempts: 0, durationMs: 0, word: "done" })).toBe("manual");
    expect(rowTime({ attempts: 0, durationMs: 0, word: "skipped" })).toBe("");
  });
});
