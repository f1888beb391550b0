import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { JournalEvent } from "../../src/journal/events.js";
import { apply, initialState, type RunState } from "../../src/run/state.js";
import type { ViewPlan } from "../../src/report/run-view.js";
import { PlainView } from "../../src/report/plain-view.js";
import { buildPlan } from "../../src/run/plan.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { buildStepGraph } from "../../src/model/step-graph.js";
import { commandValues } from "../../src/report/plain-values.js";
import { promptOperator, promptParam } from "../../src/report/line-prompts.js";
import { fence } from "../helpers/runbooks.js";

let seq = 0;
const ev = (e: Record<string, unknown>): JournalEvent => ({ v: 2, seq: ++seq, ts: new Date(Date.UTC(2026, 0, 1, 10, 0, seq)).toISOString(), ...e }) as JournalEvent;
const started = () => ev({ type: "run_started", runId: "r1", runbook: { id: "x", file: "/x.md", sha256: "0", title: null }, git: null, operator: "alice", host: "db-admin-1", pid: 1, params: { HOST: "db-1", TOKEN: "***" }, secrets: ["TOKEN"], order: ["look", "next"], options: { onFailure: "ask", yes: false, record: false } });
const plan: ViewPlan = {
  title: "Failover",
  steps: [
    { id: "look", title: "Look", command: { source: "yes | grep -q y", line: 9, retries: 3, timeoutMs: undefined } },
    { id: "next", title: "Next", command: { source: "true", line: 12, retries: 0, timeoutMs: undefined } },
  ],
  checks: [{ target: "@prerequisite/1", source: "pg_isready -h db-2\necho checked", line: 5, retries: 0, timeoutMs: undefined }],
};
function play(events: JournalEvent[]): { text: string; state: RunState; view: PlainView } {
  let text = "";
  const view = new PlainView({ write: (s: string) => (text += s) }, plan, false);
  let state = initialState(events[0] as Extract<JournalEvent, { type: "run_started" }>);
  view.onEvent(events[0]!, state);
  for (const e of events.slice(1)) {
    state = apply(state, e);
    view.onEvent(e, state);
  }
  return { get text() { return text; }, state, view };
}

describe("the plain view says what the screen says", () => {
  it("the params a run starts with, secrets as ***", () => {
    expect(play([started()]).text).toContain("  params: HOST=db-1 TOKEN=***");
  });

  it("a failed attempt: its exit code, what the code means, and the next attempt's countdown", () => {
    const { text } = play([
      started(),
      ev({ type: "attempt_started", target: "look", phase: "command", attempt: 1 }),
      ev({ type: "attempt_finished", target: "look", phase: "command", attempt: 1, exitCode: 141, signal: null, timedOut: false, durationMs: 120, retryInMs: 3200 }),
      ev({ type: "attempt_started", target: "look", phase: "command", attempt: 2, retry: 1 }),
      ev({ type: "attempt_finished", target: "look", phase: "command", attempt: 2, exitCode: 141, signal: null, timedOut: false, durationMs: 120, retryInMs: 6400 }),
    ]);
    expect(text).toContain("✖ [1/2] look command failed: exit 141 after 120ms; attempt 2 of 4 in 3.2s\n  SIGPIPE: a reader closed the pipe early");
    expect(text).toContain("; attempt 3 of 4 in 6.4s");
  });

  it("a failed prerequisite: its command under the failure, its output above it", () => {
    const { text } = play([
      started(),
      ev({ type: "attempt_started", target: "@prerequisite/1", phase: "check", attempt: 1 }),
      ev({ type: "output", target: "@prerequisite/1", phase: "check", stream: "stderr", text: "db-2:5432 - no response\n" }),
      ev({ type: "attempt_finished", target: "@prerequisite/1", phase: "check", attempt: 1, exitCode: 2, signal: null, timedOut: false, durationMs: 30, retryInMs: null }),
    ]);
    expect(text).toContain("  │ db-2:5432 - no response\n✖ prerequisite 1 check failed: exit 2 after 30ms\n  $ pg_isready -h db-2\n    echo checked\n");
  });

  it("the summary says why a step failed and how to see all of its output", () => {
    const p = play([
      started(),
      ev({ type: "attempt_started", target: "look", phase: "command", attempt: 1 }),
      ev({ type: "attempt_finished", target: "look", phase: "command", attempt: 1, exitCode: 127, signal: null, timedOut: false, durationMs: 5, retryInMs: null }),
      ev({ type: "step_finished", target: "look", status: "failed", by: "run" }),
      ev({ type: "run_finished", status: "failed", exitCode: 1, note: "step look failed" }),
    ]);
    const summary = p.view.summary(p.state, "/s/r1.jsonl", "me");
    expect(summary).toMatch(/look +failed +5ms +\(command exit 127\)/);
    expect(summary).toContain("  output:    runbook log r1");
    // A step that ran nothing (a manual one marked done) says so, and no line ends in spaces.
    const manual = play([started(), ev({ type: "step_finished", target: "look", status: "done", by: "operator" }), ev({ type: "step_finished", target: "next", status: "skipped", by: "operator" })]);
    const lines = manual.view.summary(manual.state, undefined, "me").split("\n");
    expect(lines.find((l) => l.includes("look"))).toMatch(/look +done +manual$/);
    expect(lines.find((l) => l.includes("next"))).toMatch(/next +skipped$/);
  });

  it("a run taken over: its story and the end of the last output", () => {
    seq = 0;
    const events = [
      started(),
      ev({ type: "answer", target: "look", question: "confirm", answer: "yes", by: "alice" }),
      ev({ type: "attempt_started", target: "look", phase: "command", attempt: 1 }),
      ev({ type: "output", target: "look", phase: "command", stream: "stdout", text: "copying 1 of 3\ncopying 2 of 3\n" }),
      ev({ type: "run_interrupted", signal: "SIGHUP", target: "look" }),
    ];
    const p = play(events);
    let text = "";
    const fresh = new PlainView({ write: (s: string) => (text += s) }, plan, false);
    fresh.story(p.state, events.filter((e): e is Extract<JournalEvent, { type: "answer" }> => e.type === "answer"), Date.UTC(2026, 0, 1, 11, 0, 1));
    expect(text).toContain("Started by alice on host db-admin-1 at 10:00 UTC (1h ago).");
    expect(text).toContain("Stopped by SIGHUP during look at 10:00 UTC.");
    expect(text).toContain("  look: confirm → yes (alice, 10:00 UTC)");
    // Stopped at a step that had not begun (at its question, a handover, an approval): before it, not during.
    const atQuestion = [started(), ev({ type: "run_interrupted", signal: "handover", target: "look" })];
    let before = "";
    const view = new PlainView({ write: (t: string) => (before += t) }, plan, false);
    const q = play(atQuestion);
    view.story(q.state, [], Date.UTC(2026, 0, 1, 11, 0, 1));
    view.onEvent(atQuestion[1]!, q.state);
    expect(before).toContain("Stopped by handover before look at 10:00 UTC.");
    expect(before).toContain("■ interrupted (handover) before look");
    expect(text).toContain("last output of [1/2] look (runbook log r1 --step look has all of it):\n  │ copying 1 of 3\n  │ copying 2 of 3\n");
  });
});

describe("line prompts for params", () => {
  it("list the choices and take a number or a value; show the example", async () => {
    const stdin = new PassThrough();
    let out = "";
    const ask = promptParam({ stdin, stdout: { write: (s: string) => (out += s) } });
    const answer = ask({ name: "MODE", description: "how", secret: false, choices: ["dry", "real"], example: "dry", validate: (v) => (["dry", "real"].includes(v) ? undefined : "no") }, new AbortController().signal);
    stdin.write("2\n");
    expect(await answer).toBe("real");
    expect(out).toContain("MODE (how; e.g. dry)\n  1) dry\n  2) real\nChoose 1-2 or type the value: ");
  });
});

describe("a line prompt before a step is confirmed (--plain at a terminal)", () => {
  const PRIMARY = "postgresql://app_admin@orders-db-primary.prod.internal:5432/orders";
  const REPLICA = "postgresql://app_admin@orders-db-replica.prod.internal:5432/orders";
  const rb = buildRunbook("/x/fo.md", `---\nid: fo\nowner: o\n---\n# F\n## Steps\n### Promote {#promote}\n${fence("sh confirm", 'psql "$REPLICA_URL" --token "$TOKEN" -c "$LEADER"')}`);
  const step = buildPlan(rb, buildStepGraph(rb), "/x/fo.md").steps[0]!;
  // Swapped, as in the outage; the secret's value looks like them too, and is never compared.
  const values = new Map([
    ["PRIMARY_URL", { value: REPLICA, secret: false }],
    ["REPLICA_URL", { value: PRIMARY, secret: false }],
    ["TOKEN", { value: "***", secret: true }],
    ["LEADER", { value: undefined, secret: false }],
  ]);

  it("lists the values the command uses, whole; marks where one differs from its look-alike; a secret is ***", () => {
    expect(commandValues(step, values)).toEqual([
      "  values the command uses:",
      `    REPLICA_URL = ${PRIMARY}`,
      `                  ${" ".repeat(33)}^^^^^^^ differs from PRIMARY_URL at character 34`,
      "    TOKEN = ***",
      "    LEADER = (unset)",
    ]);
  });

  it("prints them once, before the question", async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let out = "";
    stdout.on("data", (d: Buffer) => (out += d.toString()));
    const operator = promptOperator({ stdin, stdout }, "alice", () => values);
    const answer = operator.ask({ kind: "confirm", step }, new AbortController().signal);
    stdin.write("s\n");
    expect(await answer).toBe("skip");
    expect(out.indexOf("differs from PRIMARY_URL at character 34")).toBeLessThan(out.indexOf("Run promote? [y]es, [s]kip, [a]bort: "));
    expect(out.split("values the command uses:")).toHaveLength(2);
  });
});
