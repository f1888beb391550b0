import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/engine/plan.js";
import type { JournalEvent } from "../../src/journal/events.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { buildStepGraph } from "../../src/model/graph.js";
import { answerFor, App } from "../../src/tui/components/App.js";
import { Footer } from "../../src/tui/components/Footer.js";
import { TuiStore } from "../../src/tui/store.js";
import { apply, initialState, type RunState } from "../../src/run/state.js";
import { keyPresses } from "../../src/tui/keys.js";
import { fence } from "../helpers/runbooks.js";

const runbook = buildRunbook(
  "/tmp/x/rb.md",
  `---\nid: ui\nowner: o\n---\n# UI test\n## Steps\n### Check lag {#lag}\nThe **replica** must be [caught up](https://example.com).\n${fence("sh retries=2", "check-lag")}### Fence {#fence}\n${fence("sh confirm", "fence-it")}${fence("sh rollback", "unfence")}### Repoint {#repoint}\nUpdate DNS.\n`,
);
const plan = buildPlan(runbook, buildStepGraph(runbook), "/tmp/x/rb.md");
let seq = 0;
const ev = (e: Record<string, unknown>): JournalEvent => ({ v: 1, seq: ++seq, ts: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(), ...e }) as JournalEvent;
const started = () => ev({ type: "run_started", runId: "20260101T000000Z-ui-abcd", runbook: { id: "ui", file: "/tmp/x/rb.md", sha256: "0", title: "UI test" }, git: null, operator: "o", host: "h", pid: 1, params: {}, secrets: [], order: ["lag", "fence", "repoint"], options: { onFailure: "ask", yes: false, record: false } });
const theme = { color: false };

/** Feeds events to a store as the session does: each with the state it gives. */
function feed(store: TuiStore, events: JournalEvent[], from?: RunState): RunState | undefined {
  let state = from;
  for (const e of events) {
    state = state ? apply(state, e) : initialState(e as Extract<JournalEvent, { type: "run_started" }>);
    store.onEvent(e, state);
  }
  return state;
}

function setup(events: JournalEvent[]) {
  const store = new TuiStore(plan, 0);
  const state = feed(store, events);
  const ui = render(<App store={store} theme={theme} onStop={() => undefined} />);
  return { store, ui, state };
}

const tick = () => new Promise((r) => setTimeout(r, 30));

describe("TUI components", () => {
  it("shows every step with its status, the current step's prose and command, and live output", async () => {
    const { ui } = setup([started(), ev({ type: "attempt_started", target: "lag", phase: "command", attempt: 1 }), ev({ type: "output", target: "lag", phase: "command", stream: "stdout", text: "lag is 42 bytes\npartial" })]);
    await tick();
    const frame = ui.lastFrame() ?? "";
    expect(frame).toContain("UI test");
    expect(frame).toMatch(/lag +Check lag running/);
    expect(frame).toMatch(/· fence +Fence/);
    expect(frame).toContain("The replica must be caught up (https://example.com).");
    expect(frame).toContain("$ check-lag");
    expect(frame).toContain("lag is 42 bytes");
    expect(frame).toContain("partial");
    expect(frame).toContain("Running… Ctrl-C to stop");
    ui.unmount();
  });

  it("shows a confirmation prompt with its keys, and answers from a key press", async () => {
    const { store, ui } = setup([started(), ev({ type: "step_finished", target: "lag", status: "done", by: "run" })]);
    const answers: string[] = [];
    store.ask({ kind: "confirm", step: plan.steps[1]!, answer: (a) => answers.push(a) });
    await tick();
    const frame = ui.lastFrame() ?? "";
    expect(frame).toContain("Run this step?");
    expect(frame).toMatch(/ y +run +s +skip +a +abort/);
    expect(frame).toContain("$ fence-it");
    expect(frame).toContain("needs confirmation; has a rollback");
    ui.stdin.write("x");
    ui.stdin.write("y");
    await tick();
    expect(answers).toEqual(["yes"]);
    ui.unmount();
  });

  it.each([
    ["manual", "Do this step by hand, then press Enter.", / Enter +done +s +skip +a +abort/],
    ["failed", "The step failed.", / r +retry +s +skip +b +roll back +a +abort/],
    ["interrupted", "This step was interrupted; its outcome is unknown.", / r +re-run +s +skip +d +mark done/],
  ] as const)("footer for a %s question", (kind, text, keys) => {
    const q = { kind, step: plan.steps[0]!, target: "lag", phase: "command", answer: () => undefined } as never;
    const ui = render(<Footer question={q} stopArmed={false} running={false} theme={theme} />);
    expect(ui.lastFrame()).toContain(text);
    expect(ui.lastFrame()).toMatch(keys);
  });

  it("maps keys to answers per question, ignoring keys that mean nothing", () => {
    const step = plan.steps[0]!;
    const q = (kind: "confirm" | "manual" | "failed" | "interrupted" | "undo_before_skip" | "rollback") => ({ kind, step, answer: () => undefined }) as never;
    const key = (input: string, over: Record<string, boolean> = {}) => keyPresses(input, { return: false, ctrl: false, ...over } as never)[0]!;
    expect(answerFor(q("confirm"), key("y"))).toBe("yes");
    expect(answerFor(q("confirm"), key("r"))).toBeUndefined();
    expect(answerFor(q("manual"), key("", { return: true }))).toBe("done");
    expect(answerFor(q("failed"), key("b"))).toBe("rollback");
    expect(answerFor(q("interrupted"), key("d"))).toBe("done");
    expect(answerFor(q("undo_before_skip"), key("", { return: true }))).toBe("yes");
    expect(answerFor(q("undo_before_skip"), key("n"))).toBe("no");
    expect(answerFor(q("rollback"), key("", { return: true }))).toBeUndefined();
  });

  it("arms on the first Ctrl-C and stops on the second", async () => {
    const store = new TuiStore(plan, 0);
    feed(store, [started()]);
    let stopped = 0;
    const ui = render(<App store={store} theme={theme} onStop={() => stopped++} />);
    ui.stdin.write("\u0003");
    await tick();
    expect(ui.lastFrame()).toContain("Press Ctrl-C again to stop");
    expect(stopped).toBe(0);
    ui.stdin.write("\u0003");
    await tick();
    expect(stopped).toBe(1);
    ui.unmount();
  });

  it("shows the summary with resume and rollback commands when a run did not complete", async () => {
    const { store, ui } = setup([
      started(),
      ev({ type: "attempt_started", target: "lag", phase: "command", attempt: 1 }),
      ev({ type: "attempt_finished", target: "lag", phase: "command", attempt: 1, exitCode: 1, signal: null, timedOut: false, durationMs: 1500, retryInMs: null }),
      ev({ type: "step_finished", target: "lag", status: "failed", by: "run" }),
      ev({ type: "run_finished", status: "failed", exitCode: 1, note: "step lag failed" }),
    ]);
    store.finish(undefined, "/state/runs/x.jsonl");
    await tick();
    const frame = ui.lastFrame() ?? "";
    expect(frame).toContain("Run failed");
    expect(frame).toMatch(/✖ lag +failed +1\.5s/);
    expect(frame).toMatch(/· fence +pending/);
    expect(frame).toContain("runbook resume 20260101T000000Z-ui-abcd");
    expect(frame).toContain("runbook rollback 20260101T000000Z-ui-abcd");
    ui.unmount();
  });

  it("keeps only the last lines of a flood of output, and counts them all", () => {
    const store = new TuiStore(plan, 10_000);
    let state = feed(store, [started()]);
    for (let i = 0; i < 200; i++) state = feed(store, [ev({ type: "output", target: "lag", phase: "command", stream: "stdout", text: Array.from({ length: 1000 }, (_, j) => `line ${i * 1000 + j}`).join("\n") + "\n" })], state);
    feed(store, [ev({ type: "attempt_finished", target: "lag", phase: "command", attempt: 1, exitCode: 0, signal: null, timedOut: false, durationMs: 1, retryInMs: null })], state);
    const snap = store.getSnapshot();
    expect(snap.outputTotal).toBe(200_000);
    expect(snap.output.length).toBeLessThanOrEqual(1000);
    expect(snap.output.at(-1)?.text).toBe("line 199999");
    store.dispose();
  });
});
