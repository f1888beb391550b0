import { describe, expect, it } from "vitest";
import { failoverStarted } from "../helpers/failover-journal.js";
import type { JournalEvent, NewEvent } from "../../src/journal/events.js";
import { jsonRow, tableRow } from "../../src/cli/commands/runs.js";
import { assembleHandoff, handoffText } from "../../src/report/handoff-report.js";
import type { Holder } from "../../src/report/openness.js";
import { PlainView } from "../../src/report/plain-view.js";
import { summarize } from "../../src/report/run-summary.js";
import { toView, type ViewPlan } from "../../src/report/run-view.js";
import { Timeline } from "../../src/report/timeline.js";
import { createFold, type RunState } from "../../src/run/state.js";
import { summaryLines } from "../../src/tui/components/Summary.js";

/**
 * Every kind of run, through every presentation: the screen's summary, the plain view's (what `log`
 * prints), the handoff report, the `runs` line (table and JSON) and the timeline (`log --format
 * markdown`) say the same status and offer the same commands, because they all render one answer
 * (report/openness.ts) from one state (run/state.ts).
 */
const ID = "20261202T090000Z-failover-abcd";
const t0 = Date.parse("2026-12-02T09:00:00Z");
const NOW = t0 + 3_600_000;
function journal(events: NewEvent[]): JournalEvent[] {
  return events.map((e, i) => ({ v: 5, seq: i + 1, ts: new Date(t0 + i * 60_000).toISOString(), ...e }) as JournalEvent);
}
const started: NewEvent = failoverStarted(ID, { onFailure: "ask", yes: false });
const plan: ViewPlan = { title: "DB failover", steps: [{ id: "snapshot", title: "Snapshot" }, { id: "promote", title: "Promote" }, { id: "dns", title: "DNS" }] };
const begin = (target: string, phase: "command" | "rollback" = "command"): NewEvent => ({ type: "attempt_started", target, phase, attempt: 1 });
const end = (target: string, over: Record<string, unknown> = {}, phase: "command" | "rollback" = "command"): NewEvent => ({ type: "attempt_finished", target, phase, attempt: 1, exitCode: 0, signal: null, timedOut: false, durationMs: 10, retryInMs: null, ...over }) as NewEvent;
const ran = (target: string): NewEvent[] => [begin(target), end(target), { type: "step_finished", target, status: "done", by: "run" }];
const finished = (status: string, extra: Record<string, unknown> = {}): NewEvent => ({ type: "run_finished", status, exitCode: status === "completed" ? 0 : 1, ...extra }) as NewEvent;
const rollback = (targets: string[], extra: Record<string, unknown> = {}): NewEvent => ({ type: "rollback_started", reason: "requested by bob", targets, cause: "request", ...extra }) as NewEvent;
const undone = (target: string, status = "rolled_back"): NewEvent => ({ type: "rollback_finished", target, status }) as NewEvent;

const localHolder: Holder = { runId: ID, user: "bob", host: "laptop-b", pid: 4242, leaseUntil: undefined };
const leaseHolder: Holder = { runId: ID, user: "bob", host: "laptop-b", pid: 4242, leaseUntil: "2026-12-02T10:05:10.000Z" };

const RESUME = `runbook resume ${ID}`;
const ROLLBACK = `runbook rollback ${ID}`;
const NOTE = `runbook note ${ID} "…"`;
const HANDOVER = `runbook handover ${ID}`;

interface Case {
  readonly kind: string;
  readonly events: NewEvent[];
  readonly holder: Holder | undefined;
  /** The run's word, the same everywhere. */
  readonly word: string;
  /** Label → command (or words) every presentation offers; nothing else. */
  readonly offers: Readonly<Record<string, string>>;
  /** In the handoff report's open runs (else under ended). */
  readonly open: boolean;
  /** What the screen and the plain view say of a step, when it matters. */
  readonly step?: readonly [id: string, text: RegExp];
  /** What the handoff report says it waits for. */
  readonly waiting?: string;
}

const held = (h: Holder, goOn: string): Record<string, string> => ({
  "held by": `bob@laptop-b (pid 4242${h.leaseUntil ? ", lease until 10:05:10Z" : ""})`,
  "ask them": NOTE,
  "hand over": `${HANDOVER} asks them to hand it over`,
  "take over": `${goOn} ${h.leaseUntil ? "once its lease ends" : "once it is stopped"}`,
});

const cases: Case[] = [
  { kind: "running", events: [started, ...ran("snapshot"), begin("promote")], holder: localHolder, word: "live", offers: held(localHolder, RESUME), open: true, step: ["promote", /running/] },
  { kind: "waiting for an answer", events: [started, ...ran("snapshot")], holder: leaseHolder, word: "live", offers: held(leaseHolder, RESUME), open: true },
  { kind: "live, held by another, rolling back", events: [started, ...ran("snapshot"), rollback(["snapshot"]), begin("snapshot", "rollback")], holder: leaseHolder, word: "rolling back", offers: held(leaseHolder, ROLLBACK), open: true, waiting: "the rollback of step snapshot to finish" },
  { kind: "stopped, resumable (its runner died)", events: [started, ...ran("snapshot"), begin("promote")], holder: undefined, word: "interrupted", offers: { resume: RESUME, "roll back": ROLLBACK }, open: true, step: ["promote", /interrupted/] },
  { kind: "failed", events: [started, ...ran("snapshot"), begin("promote"), end("promote", { exitCode: 3 }), { type: "step_finished", target: "promote", status: "failed", by: "run" }, finished("failed")], holder: undefined, word: "failed", offers: { resume: RESUME, "roll back": ROLLBACK }, open: true, step: ["promote", /failed.*exit 3/] },
  { kind: "aborted", events: [started, ...ran("snapshot"), finished("aborted")], holder: undefined, word: "aborted", offers: { resume: RESUME, "roll back": ROLLBACK }, open: true },
  { kind: "completed", events: [started, ...ran("snapshot"), ...ran("promote"), ...ran("dns"), finished("completed")], holder: undefined, word: "completed", offers: {}, open: false },
  { kind: "rolled back", events: [started, ...ran("snapshot"), rollback(["snapshot"]), undone("snapshot"), finished("rolled_back")], holder: undefined, word: "rolled back", offers: {}, open: false, step: ["snapshot", /rolled back/] },
  {
    kind: "rolled back to a barrier",
    events: [started, ...ran("snapshot"), ...ran("promote"), ...ran("dns"), rollback(["dns"], { barrier: { target: "promote", reason: "the old primary is gone" }, beyond: ["promote", "snapshot"] }), undone("dns"), finished("rolled_back_to")],
    holder: undefined,
    word: "rolled back to promote",
    offers: {},
    open: false,
  },
  { kind: "rollback failed", events: [started, ...ran("snapshot"), rollback(["snapshot"]), undone("snapshot", "failed"), finished("rollback_failed")], holder: undefined, word: "rollback failed", offers: {}, open: true },
  { kind: "a rollback cut short", events: [started, ...ran("snapshot"), ...ran("promote"), rollback(["promote", "snapshot"]), undone("promote"), { type: "run_interrupted", signal: "SIGTERM", target: "snapshot" }], holder: undefined, word: "interrupted", offers: { "roll back": ROLLBACK }, open: true, waiting: "someone to carry on the rollback" },
  { kind: "closed", events: [started, ...ran("snapshot"), begin("promote"), finished("closed", { by: "bob", note: "drill abandoned", exitCode: 0 })], holder: undefined, word: "closed", offers: {}, open: false, step: ["promote", /interrupted/] },
  {
    kind: "an attempt ended by a signal",
    events: [started, ...ran("snapshot"), begin("promote"), end("promote", { exitCode: null, signal: "SIGKILL" }), { type: "step_finished", target: "promote", status: "failed", by: "run" }, finished("failed")],
    holder: undefined,
    word: "failed",
    offers: { resume: RESUME, "roll back": ROLLBACK },
    open: true,
    step: ["promote", /failed.*killed by SIGKILL/],
  },
  {
    kind: "an attempt interrupted",
    events: [started, ...ran("snapshot"), begin("promote"), end("promote", { exitCode: null, signal: "SIGINT", interrupted: true }), { type: "run_interrupted", signal: "SIGINT", target: "promote" }],
    holder: undefined,
    word: "interrupted",
    offers: { resume: RESUME, "roll back": ROLLBACK },
    open: true,
    step: ["promote", /interrupted/],
  },
];

const LABELS = ["held by", "ask them", "hand over", "take over", "resume", "roll back"];

/** The offers a text shows: `label: text` lines (a Markdown list item, a padded column), by label. */
function offersIn(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^\s*(?:- )?([a-z ]+):\s+(.*)$/.exec(line);
    if (m && LABELS.includes(m[1]!)) out[m[1]!] = m[2]!.replace(/`/g, "");
  }
  return out;
}

/** Each offer as printed starts with what the case expects (the take-over line goes on with why). */
function expectOffers(where: string, text: string, expected: Readonly<Record<string, string>>): void {
  const got = offersIn(text);
  expect(Object.keys(got).sort(), `${where}:\n${text}`).toEqual(Object.keys(expected).sort());
  for (const [label, value] of Object.entries(expected)) expect(got[label], `${where}: ${label}`).toContain(value);
}

function stateOf(events: JournalEvent[]): RunState {
  const fold = createFold();
  for (const e of events) fold.add(e);
  return fold.result();
}

describe("one answer, every presentation", () => {
  it.each(cases)("$kind", (c) => {
    const events = journal(c.events);
    const state = stateOf(events);

    // The screen's summary.
    const view = toView(state, plan, c.holder);
    const screen = summaryLines(view, undefined, 200, 80)
      .map((l) => l.map((p) => p.text).join(""))
      .join("\n");
    expect(screen).toMatch(new RegExp(`^Run ${c.word} in `));
    expectOffers("screen", screen, c.offers);

    // The plain view, as `log` prints it, fed the same events with the fold's state after each.
    let plain = "";
    const pv = new PlainView({ write: (s: string) => (plain += s) }, plan, false);
    const fold = createFold();
    for (const e of events) {
      fold.add(e);
      pv.onEvent(e, fold.result());
    }
    const summary = pv.summary(state, undefined, c.holder);
    expect(summary).toContain(`; run ${ID}: ${c.word}`);
    expectOffers("plain view", summary, c.offers);

    if (c.step) {
      const [id, text] = c.step;
      expect(screen.split("\n").find((l) => l.includes(` ${id} `)), screen).toMatch(text);
      expect(summary.split("\n").find((l) => l.startsWith(`  ${id} `)), summary).toMatch(text);
    }

    // The handoff report.
    const s = summarize(state, c.holder);
    expect(s.word).toBe(c.word);
    const report = assembleHandoff({ reads: [{ runId: ID, summary: s, torn: false }], now: NOW, sinceMs: 12 * 3_600_000, stale: [], changed: [], gitChecked: true, remote: undefined });
    expect(report.open.length, "in the open runs").toBe(c.open ? 1 : 0);
    expect(report.ended.length, "in the ended runs").toBe(c.open ? 0 : 1);
    const handoff = handoffText(report);
    expect(handoff).toMatch(new RegExp(`${ID} DB failover: ${c.word}[ ,]`));
    expectOffers("handoff", handoff, c.offers);
    if (c.waiting) expect(handoff).toContain(`waiting for: ${c.waiting}\n`);

    // The `runs` line: its state, what to type next in a few words, and the commands in JSON.
    const row = tableRow(s);
    expect(row[1]).toMatch(new RegExp(`^${c.word}( \\(bob@laptop-b, (pid 4242|lease until 10:05:10Z)\\)| by bob)?$`));
    const brief = row[3]!;
    if (c.offers["held by"]) expect(brief).toMatch(/^handover; (resume|rollback) (after lease|once stopped)$/);
    else expect(brief).toBe([c.offers.resume && "resume", c.offers["roll back"] && "rollback"].filter(Boolean).join(" or "));
    const json = jsonRow(s);
    expect(json.status).toBe(c.word);
    // The one command for the reader: handover while someone holds it, else how it goes on; said alike in the report.
    const reader = c.offers["held by"] ? HANDOVER : (c.offers.resume ?? c.offers["roll back"] ?? null);
    expect(json.command).toBe(reader);
    if (reader && c.open) expect(handoff).toMatch(new RegExp(`\n    command: +${reader.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( |\n)`));
    else expect(handoff).not.toMatch(/\n    command:/);
    expect(Object.fromEntries(json.next.map((n) => [n.label, [n.command, n.words].filter((x) => x !== null).join(" ")]))).toEqual(Object.fromEntries(Object.entries(offersIn(handoff))));

    // The timeline (`log --format markdown`).
    let md = "";
    const tl = new Timeline((t) => (md += t));
    const again = createFold();
    for (const e of events) {
      again.add(e);
      tl.onEvent(e, again.result());
    }
    tl.end(state, c.holder);
    expect(md).toContain(`**${c.word}**`);
    expectOffers("timeline", md.slice(md.indexOf("## Outcome")), c.offers);
  });
});
