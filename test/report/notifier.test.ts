import { describe, expect, it } from "vitest";
import type { JournalEvent, NewEventOf } from "../../src/journal/events.js";
import { createNotifications, type Delivery, type Hook } from "../../src/report/notifier.js";
import type { Plan, PlanStep } from "../../src/run/plan.js";
import { apply, initialState, type RunState } from "../../src/run/state.js";
import type { PostResult } from "../../src/system/webhook.js";

let seq = 0;
const ev = (e: Record<string, unknown>): JournalEvent => ({ v: 5, seq: ++seq, ts: new Date(Date.UTC(2026, 0, 1, 10, 0, seq)).toISOString(), ...e }) as JournalEvent;
const started = ev({ type: "run_started", runId: "r1", runbook: { id: "x", file: "/x.md", sha256: "0", title: "X" }, git: null, operator: "alice", host: "db-admin-1", pid: 1, params: {}, secrets: [], order: ["a"], options: { onFailure: "ask", yes: false, record: false } });
const step = { id: "a", title: "Promote", instructions: "", line: 3, manual: false, confirm: true, irreversible: undefined, capture: undefined, command: undefined, verify: undefined, rollback: undefined, reads: [], drillSkip: false, on: undefined, fanout: { batch: [{ percent: 100 }], maxFail: { count: 0 }, parallel: 10 }, needs: [] } as PlanStep;
const plan = { runbookId: "x", title: "X", file: "/x.md", dir: "/", shell: ["sh"], requires: [], checks: [], steps: [step], rollback: [], parallel: 1 } as Plan;
const state: RunState = initialState(started as Extract<JournalEvent, { type: "run_started" }>);

const hook = (over: Partial<Hook> = {}): Hook => ({ name: "chat", url: "http://hook.invalid/SECRETPATH", format: "json", on: new Set(["started", "waiting", "failed", "ended"]), waitingAfterMs: 60_000, ...over });

/** A delivery whose answers are scripted, and that keeps what was posted. */
function scripted(answers: PostResult[], backoffMs = [5, 5, 5]): Delivery & { posted: unknown[] } {
  const posted: unknown[] = [];
  return {
    posted,
    backoffMs,
    now: Date.now,
    post: async (_url, body) => {
      posted.push(body);
      return answers.shift() ?? { ok: true, status: 200 };
    },
  };
}

function open(hooks: Hook[], delivery: Delivery, mask = (t: string) => t) {
  const journal: NewEventOf<"notified">[] = [];
  const notifier = createNotifications(hooks, delivery).open({ runId: "r1", plan, mask }, (o) => journal.push(o));
  return { notifier, journal };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe("the notifier (pure delivery logic, scripted posts)", () => {
  it("retries a 500 with backoff and journals the post as sent on the try that worked", async () => {
    const d = scripted([{ ok: false, retry: true, why: "answered 500" }, { ok: false, retry: true, why: "answered 502" }]);
    const { notifier, journal } = open([hook()], d);
    notifier.onEvent(started, state);
    await until(() => journal.length === 1);
    expect(journal[0]).toEqual({ type: "notified", hook: "chat", on: "started", status: "sent", attempts: 3 });
    expect(d.posted).toHaveLength(3);
    await notifier.finish(100);
  });

  it("gives up at once on an answer no retry can fix (404), with why; the URL never in why", async () => {
    const d = scripted([{ ok: false, retry: false, why: "answered 404 at http://hook.invalid/SECRETPATH" }]);
    const { notifier, journal } = open([hook()], d);
    notifier.onEvent(started, state);
    await until(() => journal.length === 1);
    expect(journal[0]).toMatchObject({ status: "given_up", attempts: 1, why: "answered 404 at <url>" });
  });

  it("gives up after four tries and says so", async () => {
    const d = scripted(Array.from({ length: 4 }, () => ({ ok: false as const, retry: true, why: "could not connect (ECONNREFUSED)" })));
    const { notifier, journal } = open([hook()], d);
    notifier.onEvent(started, state);
    await until(() => journal.length === 1);
    expect(journal[0]).toMatchObject({ status: "given_up", attempts: 4, why: "could not connect (ECONNREFUSED), 4 tries" });
  });

  it("keeps a webhook's moments in order: the end is never told before the start", async () => {
    const d = scripted([{ ok: false, retry: true, why: "answered 503" }]);
    const { notifier, journal } = open([hook()], d);
    notifier.onEvent(started, state);
    const ended = ev({ type: "run_finished", status: "completed", exitCode: 0 });
    notifier.onEvent(ended, apply(state, ended));
    await until(() => journal.length === 2);
    expect(journal.map((j) => j.on)).toEqual(["started", "ended"]);
    expect((d.posted as { on: string }[]).map((b) => b.on)).toEqual(["started", "started", "ended"]);
  });

  it("tells `waiting` when a question waits longer than waiting_after, and not when it is answered first", async () => {
    const d = scripted([]);
    const { notifier, journal } = open([hook({ waitingAfterMs: 30 })], d);
    notifier.onEvent(started, state);
    const answeredSoon = notifier.asked({ kind: "confirm", step });
    answeredSoon();
    await new Promise((r) => setTimeout(r, 80));
    expect(journal.map((j) => j.on)).toEqual(["started"]);
    notifier.asked({ kind: "confirm", step });
    await until(() => journal.length === 2);
    expect(journal[1]).toMatchObject({ on: "waiting", status: "sent" });
    expect(d.posted[1]).toMatchObject({ on: "waiting", question: { kind: "confirm" }, run: { step: "a" } });
    await notifier.finish(100);
  });

  it("tells a failure once, whether asked about it first or seen in step_finished", async () => {
    const d = scripted([]);
    const { notifier, journal } = open([hook({ on: new Set(["failed"]) })], d);
    notifier.onEvent(started, state);
    notifier.asked({ kind: "failed", step, phase: "command", result: { exitCode: 1, signal: null, timedOut: false, durationMs: 1, error: undefined, retryInMs: null, interrupted: false }, output: "" });
    const fin = ev({ type: "step_finished", target: "a", status: "failed", by: "operator" });
    notifier.onEvent(fin, apply(state, fin));
    await until(() => journal.length >= 1);
    await notifier.finish(100);
    expect(journal.map((j) => j.on)).toEqual(["failed"]);
  });

  it("at the end, a retry not yet due is given up at once, and the end still gets its try", async () => {
    const d = scripted([{ ok: false, retry: true, why: "answered 500" }], [60_000]);
    const { notifier, journal } = open([hook()], d);
    notifier.onEvent(started, state);
    await until(() => d.posted.length === 1);
    const ended = ev({ type: "run_finished", status: "failed", exitCode: 1 });
    notifier.onEvent(ended, apply(state, ended));
    const t0 = Date.now();
    await notifier.finish(2000);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(journal).toEqual([
      { type: "notified", hook: "chat", on: "started", status: "given_up", attempts: 1, why: "answered 500; the run ended before try 2" },
      { type: "notified", hook: "chat", on: "ended", status: "sent", attempts: 1 },
    ]);
  });

  it("every string of a payload passes the mask", async () => {
    const d = scripted([]);
    const { notifier } = open([hook(), hook({ name: "slack", format: "slack" })], d, (t) => t.replaceAll("alice", "***"));
    notifier.onEvent(started, state);
    await until(() => d.posted.length === 2);
    for (const body of d.posted) expect(JSON.stringify(body)).not.toContain("alice");
    await notifier.finish(100);
  });
});
