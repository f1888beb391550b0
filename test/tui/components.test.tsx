import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/engine/plan.js";
import type { JournalEvent } from "../../src/journal/events.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { buildStepGraph } from "../../src/model/graph.js";
import { answerFor, App } from "../../src/tui/components/App.js";
import { Footer } from "../../src/tui/components/Footer.js";
import { TuiStore } from "../../src/tui/store.js";
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

function setup(events: JournalEvent[]) {
  const store = new TuiStore(plan, 0);
  for (const e of events) store.onEvent(e);
  const ui = render(<App store={store} theme={theme} onStop={() => undefined} />);
  return { store, ui };
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
    const q = { kind, step: plan.steps[0]!, answer: () => undefined } as never;
    const ui = render(<Footer question={q} stopArmed={false} running={false} theme={theme} />);
    expect(ui.lastFrame()).toContain(text);
    expect(ui.lastFrame()).toMatch(keys);
  });

  it("maps keys to answers per question, ignoring keys that mean nothing", () => {
    const step = plan.steps[0]!;
    const q = (kind: "confirm" | "manual" | "failed" | "interrupted") => ({ kind, step, answer: () => undefined }) as never;
    expect(answerFor(q("confirm"), "y", false)).toBe("yes");
    expect(answerFor(q("confirm"), "r", false)).toBeUndefined();
    expect(answerFor(q("manual"), "", true)).toBe("done");
    expect(answerFor(q("failed"), "b", false)).toBe("rollback");
    expect(answerFor(q("interrupted"), "d", false)).toBe("done");
  });

  it("arms on the first Ctrl-C and stops on the second", async () => {
    const store = new TuiStore(plan, 0);
    store.onEvent(started());
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
    store.finish("/state/runs/x.jsonl");
    await tick();
    const frame = ui.lastFrame() ?? "";
    expect(frame).toContain("Run failed");
    expect(frame).toMatch(/✖ lag +failed +1\.5s/);
    expect(frame).toMatch(/⊘ fence +blocked/);
    expect(frame).toContain("runbook resume 20260101T000000Z-ui-abcd");
    expect(frame).toContain("runbook rollback 20260101T000000Z-ui-abcd");
    ui.unmount();
  });

  it("keeps only the last lines of a flood of output, and counts them all", () => {
    const store = new TuiStore(plan, 10_000);
    store.onEvent(started());
    for (let i = 0; i < 200; i++) store.onEvent(ev({ type: "output", target: "lag", phase: "command", stream: "stdout", text: Array.from({ length: 1000 }, (_, j) => `line ${i * 1000 + j}`).join("\n") + "\n" }));
    store.onEvent(ev({ type: "attempt_finished", target: "lag", phase: "command", attempt: 1, exitCode: 0, signal: null, timedOut: false, durationMs: 1, retryInMs: null }));
    const snap = store.getSnapshot();
    expect(snap.outputTotal).toBe(200_000);
    expect(snap.output.length).toBeLessThanOrEqual(1000);
    expect(snap.output.at(-1)?.text).toBe("line 199999");
    store.dispose();
  });
});
