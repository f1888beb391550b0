import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/run/plan.js";
import type { JournalEvent } from "../../src/journal/events.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { buildStepGraph } from "../../src/model/step-graph.js";
import type { ParamEntry } from "../../src/run/param-review.js";
import { apply, initialState, type RunState } from "../../src/run/state.js";
import { toView } from "../../src/report/run-view.js";
import { NO_UI } from "../../src/tui/answer-keys.js";
import { App } from "../../src/tui/components/App.js";
import { Footer } from "../../src/tui/components/Footer.js";
import { OutputPane } from "../../src/tui/components/OutputPane.js";
import { Panel } from "../../src/tui/components/Panel.js";
import { ParamForm } from "../../src/tui/components/ParamForm.js";
import { ParamReview } from "../../src/tui/components/ParamReview.js";
import { StepList } from "../../src/tui/components/StepList.js";
import { OutputLog } from "../../src/tui/output-log.js";
import { checkPanel, stepPanel } from "../../src/tui/panels.js";
import { TuiStore } from "../../src/tui/screen-store.js";
import { renderAt, until } from "../helpers/ink.js";
import { fence } from "../helpers/runbooks.js";
import { lineWith, readsWhole } from "../helpers/screen-text.js";

const text = [
  "---\nid: ui\nowner: o\nparams:\n  PRIMARY: {default: db-1}\n  TOKEN: {secret: true}\n---\n# UI test\n",
  `## Prerequisites\n${fence("sh retries=2", "pg_isready -h db-2")}`,
  "## Steps\n### Check lag {#lag}\nThe **replica** must be [caught up](https://example.com).\nIt is checked on `$PRIMARY` with ${TOKEN};\nthe leader is $LEADER.\n\n- first\n- second\n",
  fence("sh retries=3 timeout=30s", 'check-lag "$PRIMARY" | grep -q streaming'),
  `### Fence {#fence}\n${fence("sh confirm", "fence-it")}${fence("sh rollback", "unfence")}`,
  `### Find the leader {#leader}\n${fence("sh capture=LEADER", "find-leader")}`,
  `### Promote {#promote}\n${fence('sh confirm irreversible="a promoted replica cannot be demoted"', 'promote "$LEADER"')}`,
  "### Repoint {#repoint}\nUpdate DNS.\n",
].join("");
const runbook = buildRunbook("/tmp/x/rb.md", text);
const plan = buildPlan(runbook, buildStepGraph(runbook), "/tmp/x/rb.md");
const RUN = "20260101T000000Z-ui-abcd";
let seq = 0;
const ev = (e: Record<string, unknown>): JournalEvent => ({ v: 2, seq: ++seq, ts: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(), ...e }) as JournalEvent;
const started = () =>
  ev({ type: "run_started", runId: RUN, runbook: { id: "ui", file: "/tmp/x/rb.md", sha256: "0", title: "UI test" }, git: null, operator: "alice", host: "db-admin-1", pid: 1, params: { PRIMARY: "db-1", TOKEN: "***" }, secrets: ["TOKEN"], order: plan.steps.map((s) => s.id), options: { onFailure: "ask", yes: false, record: false } });
const attempt = (target: string, n = 1, phase = "command", retry = 0) => ev({ type: "attempt_started", target, phase, attempt: n, ...(retry ? { retry } : {}) });
const out = (target: string, t: string, stream = "stdout", phase = "command") => ev({ type: "output", target, phase, stream, text: t });
const finished = (target: string, over: Record<string, unknown> = {}, n = 1, phase = "command") => ev({ type: "attempt_finished", target, phase, attempt: n, exitCode: 0, signal: null, timedOut: false, durationMs: 1500, retryInMs: null, ...over });
const checked = () => [attempt("@prerequisite/1", 1, "check"), finished("@prerequisite/1", {}, 1, "check"), ev({ type: "check_finished", target: "@prerequisite/1", status: "passed" })];
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

function stateOf(events: JournalEvent[]): RunState {
  let state = initialState(events[0] as Extract<JournalEvent, { type: "run_started" }>);
  for (const e of events.slice(1)) state = apply(state, e);
  return state;
}

function setup(events: JournalEvent[], size = { columns: 80, rows: 24 }) {
  const store = new TuiStore(plan, 0);
  const state = feed(store, events);
  const ui = renderAt(<App store={store} theme={theme} onStop={() => undefined} />, size);
  return { store, ui, state };
}

const lines = (frame: string) => frame.replace(/\n$/, "").split("\n");
/** The text inside a panel's border, its lines joined: what wraps where does not matter. */
const panelText = (frame: string) => lines(frame).filter((l) => l.startsWith("│")).map((l) => l.slice(2, -1).trim()).join(" ");

describe("TUI: the running screen", () => {
  it("shows the steps, the current step's prose re-wrapped with values put in, its command, and live output", async () => {
    const { ui } = setup([started(), ...checked(), attempt("lag"), out("lag", "lag is 42 bytes\npartial")], { columns: 100, rows: 40 });
    await until(() => {
      const frame = ui.lastFrame();
      expect(lines(frame)[0]).toBe("UI test");
      expect(lines(frame)[1]).toMatch(new RegExp(`^run ${RUN} · live · step 1 of 5`));
      expect(frame).toMatch(/▶ lag +Check lag +running/);
      expect(frame).toMatch(/· fence +Fence/);
      // Source line breaks are gone, Markdown is rendered, values are put in (a secret as ***, a capture not made yet marked).
      expect(panelText(frame)).toContain("The replica must be caught up (https://example.com). It is checked on db-1 with ***; the leader is $LEADER(unset).");
      expect(frame).toMatch(/• first\s*│\n│ • second/);
      expect(frame).toContain('$ check-lag "db-1" | grep -q streaming');
      expect(frame).toContain("── output of lag ──");
      expect(frame).toContain("lag is 42 bytes");
      expect(frame).toContain("partial");
      expect(frame).toContain("Running… Ctrl-C to stop");
    });
    ui.unmount();
  });

  it("a failed step: ✖, the exit code and what it means, the last lines of output, then the menu", async () => {
    const { store, ui } = setup([started(), ...checked(), attempt("lag"), out("lag", "checking replicas\n"), out("lag", "warning: db-3 lagging\n", "stderr"), finished("lag", { exitCode: 141, durationMs: 230 })]);
    store.ask({ kind: "failed", step: plan.steps[0]!, phase: "command", result: { exitCode: 141, signal: null, timedOut: false, durationMs: 230, error: undefined, retryInMs: null, interrupted: false }, output: "", answer: () => undefined });
    await until(() => {
      const frame = ui.lastFrame();
      expect(frame).toMatch(/✖ lag +Check lag +failed: exit 141/);
      expect(frame).toContain("✖ attempt 1 failed: exit 141 after 230ms");
      expect(frame).toContain("SIGPIPE: a reader closed the pipe early");
      expect(frame).toContain("checking replicas");
      expect(frame).toContain("warning: db-3 lagging");
      // The answers, then the screen's keys (wrapped at 80 columns).
      expect(lines(frame).slice(-2).join("\n")).toMatch(/The step failed\. +r +retry +s +skip +b +roll back +a +abort\s+Tab +whole step\s+\? +keys$/);
      expect(lines(frame).length).toBeLessThanOrEqual(23);
    });
    ui.unmount();
  });

  it("a retry being waited for: the row and the panel count down to the next attempt", async () => {
    const soon = new Date(Date.now() - 500).toISOString();
    const fail = { ...finished("lag", { exitCode: 1, durationMs: 80, retryInMs: 60_000 }), ts: soon } as JournalEvent;
    const { ui } = setup([started(), ...checked(), attempt("lag"), out("lag", "lag is 9000 bytes\n", "stderr"), fail]);
    await until(() => {
      const frame = ui.lastFrame();
      expect(frame).toMatch(/↻ lag +Check lag +exit 1 · attempt 2 of 4 in 59\.\ds/);
      expect(frame).toMatch(/✖ attempt 1 failed: exit 1 after 80ms · attempt 2 of 4 in 59\.\ds/);
      expect(frame).toContain("lag is 9000 bytes");
    });
    ui.unmount();
  });

  it("fits 80×24 with 30 steps: title, run id, current step and prompt on screen, the list scrolled around the step", async () => {
    const many = buildRunbook("/tmp/x/many.md", `---\nid: many\nowner: o\n---\n# Thirty steps\n## Steps\n${Array.from({ length: 30 }, (_, i) => `### Step ${i + 1} {#s${i + 1}}\nDo thing ${i + 1}.\n${fence(i === 19 ? "sh confirm" : "sh", `echo ${i + 1}`)}${i === 19 ? fence("sh rollback", "true") : ""}`).join("")}`);
    const manyPlan = buildPlan(many, buildStepGraph(many), "/tmp/x/many.md");
    const store = new TuiStore(manyPlan, 0);
    const start = ev({ type: "run_started", runId: RUN, runbook: { id: "many", file: "/tmp/x/many.md", sha256: "0", title: null }, git: null, operator: "o", host: "h", pid: 1, params: {}, secrets: [], order: manyPlan.steps.map((s) => s.id), options: { onFailure: "ask", yes: false, record: false } });
    const done = manyPlan.steps.slice(0, 19).flatMap((s) => [attempt(s.id), out(s.id, `${s.id} says hello\n`), finished(s.id), ev({ type: "step_finished", target: s.id, status: "done", by: "run" })]);
    feed(store, [start, ...done]);
    store.ask({ kind: "confirm", step: manyPlan.steps[19]!, answer: () => undefined });
    const ui = renderAt(<App store={store} theme={theme} onStop={() => undefined} />, { columns: 80, rows: 24 });
    await ui.waitFor(/Run this step\?/);
    for (const size of [{ columns: 80, rows: 24 }, { columns: 200, rows: 60 }, { columns: 80, rows: 24 }]) {
      ui.resize(size.columns, size.rows);
      // The frame drawn at the new size: its panel's border is as wide as the terminal.
      const frame = lines(await ui.waitFor((f) => f.includes(`┌${"─".repeat(size.columns - 2)}┐`)));
      expect(frame.length).toBeLessThan(size.rows);
      expect(frame[0]).toBe("Thirty steps");
      expect(frame[1]).toContain(`run ${RUN}`);
      expect(frame[1]).toContain("step 20 of 30");
      expect(frame.join("\n")).toMatch(/· s20 +Step 20/);
      expect(frame.join("\n")).toMatch(/… \d+ more above/);
      expect(frame.join("\n")).toMatch(/… \d+ more\n/);
      expect(frame.at(-1)).toMatch(/Run this step\? +y +run +s +skip +a +abort/);
      expect(frame.every((l) => Array.from(l).length <= size.columns)).toBe(true);
    }
    ui.unmount();
  });

  it("an irreversible step shows its reason and asks for its id to be typed; a single y is refused with a hint", async () => {
    const answers: string[] = [];
    const { store, ui } = setup([started()]);
    store.ask({ kind: "confirm", step: plan.steps[3]!, answer: (a) => answers.push(a) });
    await until(() => expect(ui.lastFrame()).toContain("⚠ irreversible: a promoted replica cannot be demoted"));
    expect(ui.lastFrame()).toContain("Irreversible: type promote and press Enter to run it ›");
    ui.write("y\r");
    await until(() => expect(ui.lastFrame()).toContain('"y" is not promote: type the step id to run this irreversible step.'));
    expect(answers).toEqual([]);
    expect(ui.lastFrame()).toContain('"y" is not promote: type the step id to run this irreversible step.');
    ui.write("\u001b");
    await until(() => expect(ui.lastFrame()).toMatch(/Irreversible step, not run\. +s +skip +a +abort +Esc +type the id to run it/));
    ui.write("\u001b");
    await until(() => expect(ui.lastFrame()).not.toMatch(/Irreversible step, not run\./));
    ui.write("promote\r");
    await until(() => expect(answers).toEqual(["yes"]));
    ui.unmount();
  });

  it("abort asks once more: another key cancels, the second a confirms", async () => {
    const answers: string[] = [];
    const { store, ui } = setup([started()]);
    store.ask({ kind: "confirm", step: plan.steps[1]!, answer: (a) => answers.push(a) });
    await until(() => expect(ui.lastFrame()).toMatch(/Run this step\?/));
    ui.write("a");
    await until(() => expect(ui.lastFrame()).toMatch(/Abort the run here\? Nothing more will run\. Press +a +again or\s+Enter +to confirm; any other key cancels\./));
    ui.write("x");
    await until(() => expect(ui.lastFrame()).toContain("Cancelled: did not abort."));
    expect(answers).toEqual([]);
    ui.write("n");
    await until(() => expect(ui.lastFrame()).toContain("n does nothing here: s to skip, a to abort the run."));
    ui.write("aa");
    await until(() => expect(answers).toEqual(["abort"]));
    ui.unmount();
  });

  it("answers a confirmation with y, the keys always in the footer", async () => {
    const { store, ui } = setup([started(), ...checked(), ev({ type: "step_finished", target: "lag", status: "done", by: "run" })]);
    const answers: string[] = [];
    store.ask({ kind: "confirm", step: plan.steps[1]!, answer: (a) => answers.push(a) });
    await until(() => expect(ui.lastFrame()).toMatch(/Run this step\? +y +run +s +skip +a +abort/));
    expect(ui.lastFrame()).toContain("$ fence-it");
    expect(ui.lastFrame()).toContain("needs confirmation; has a rollback");
    ui.write("y");
    await until(() => expect(answers).toEqual(["yes"]));
    ui.unmount();
  });

  it("arms on the first Ctrl-C and stops on the second", async () => {
    let stopped = 0;
    const store = new TuiStore(plan, 0);
    feed(store, [started()]);
    const ui = render(<App store={store} theme={theme} onStop={() => stopped++} />);
    ui.stdin.write("\u0003");
    await until(() => expect(ui.lastFrame()).toContain("Press Ctrl-C again to stop"));
    expect(stopped).toBe(0);
    ui.stdin.write("\u0003");
    await until(() => expect(stopped).toBe(1));
    ui.unmount();
  });

  it("a run taken over tells its story: who started it, when, where, how it stopped, what was answered; and the last output", async () => {
    const events = [started(), ...checked(), attempt("lag"), out("lag", "replica is 0 bytes behind\n"), finished("lag"), ev({ type: "step_finished", target: "lag", status: "done", by: "run" }), ev({ type: "answer", target: "fence", question: "confirm", answer: "yes", by: "alice" }), attempt("fence"), out("fence", "fencing db-1\n"), ev({ type: "run_interrupted", signal: "SIGHUP", target: "fence" })];
    const store = new TuiStore(plan, 0);
    const answers = events.filter((e): e is Extract<JournalEvent, { type: "answer" }> => e.type === "answer");
    store.show(stateOf(events), answers, Date.UTC(2026, 0, 1, 2, 0, 0));
    store.ask({ kind: "interrupted", target: "fence", step: plan.steps[1]!, phase: "command", answer: () => undefined });
    const ui = renderAt(<App store={store} theme={theme} onStop={() => undefined} />, { columns: 80, rows: 24 });
    await until(() => {
      const frame = ui.lastFrame();
      expect(frame).toMatch(/Started by alice on host db-admin-1 at 00:\d\d UTC \(1h\d+m ago\)\./);
      expect(frame).toMatch(/Stopped by SIGHUP during fence at 00:\d\d UTC\./);
      expect(frame).toMatch(/fence: confirm → yes \(alice, 00:\d\d UTC\)/);
      expect(frame).toContain("── output of fence");
      expect(frame).toContain("fencing db-1");
      expect(lines(frame).at(-1)).toMatch(/mark done/);
      // Earlier steps' output is there too.
    });
    ui.write("\u001b[D");
    await until(() => expect(ui.lastFrame()).toContain("replica is 0 bytes behind"));
    ui.unmount();
  });
});

describe("TUI: the summary", () => {
  it("keeps the last step's output in sight, says why it failed, and prints resume, rollback and log commands", async () => {
    const { store, ui } = setup([
      started(),
      ...checked(),
      attempt("lag"),
      out("lag", "checking replicas\nreplica db-2: streaming\n"),
      finished("lag", { exitCode: 127 }),
      ev({ type: "step_finished", target: "lag", status: "failed", by: "run" }),
      ev({ type: "run_finished", status: "failed", exitCode: 1, note: "step lag failed" }),
    ]);
    const journal = `/home/alice/src/infra/runbooks/.runbook/runs/${RUN}.jsonl`;
    store.finish(undefined, journal);
    await until(() => {
      const frame = ui.lastFrame();
      // A path cut short cannot be copied: it wraps.
      expect(panelText(frame).replace(/\s+/g, "")).toContain(`journal:${journal}`);
      expect(frame).toContain("── last output of lag ──");
      expect(frame).toContain("replica db-2: streaming");
      expect(frame).toContain("Run failed");
      expect(frame).toMatch(/✖ lag +failed +1\.5s exit 127/);
      expect(frame).toContain("command not found");
      expect(frame).toMatch(/· fence +pending/);
      expect(frame).toContain(`runbook resume ${RUN}`);
      expect(frame).toContain(`runbook rollback ${RUN}`);
      expect(frame).toContain(`output:    runbook log ${RUN}`);
      expect(lines(frame).length).toBeLessThan(24);
    });
    ui.unmount();
  });

  it("a failed prerequisite: its command, its output, and that no step ran", async () => {
    const { store, ui } = setup([
      started(),
      attempt("@prerequisite/1", 1, "check"),
      out("@prerequisite/1", "pg_isready: db-2:5432 - no response\n", "stderr", "check"),
      finished("@prerequisite/1", { exitCode: 2, durationMs: 40 }, 1, "check"),
      ev({ type: "check_finished", target: "@prerequisite/1", status: "failed" }),
      ev({ type: "run_finished", status: "failed", exitCode: 1, note: "prerequisite @prerequisite/1 (line 10) failed; no step ran" }),
    ]);
    store.finish(undefined, "/state/runs/x.jsonl");
    await until(() => {
      const frame = ui.lastFrame();
      expect(frame).toContain("── last output of prerequisite 1 ──");
      expect(frame).toContain("pg_isready: db-2:5432 - no response");
      expect(frame).toMatch(/✖ prerequisite 1 \(line \d+\) failed: exit 2/);
      expect(frame).toContain("$ pg_isready -h db-2");
    });
    ui.unmount();
  });

  it("folds the steps that went as planned when they do not fit", async () => {
    const many = buildRunbook("/tmp/x/many.md", `---\nid: many\nowner: o\n---\n# Thirty steps\n## Steps\n${Array.from({ length: 30 }, (_, i) => `### Step ${i + 1} {#s${i + 1}}\n${fence("sh", `echo ${i + 1}`)}`).join("")}`);
    const manyPlan = buildPlan(many, buildStepGraph(many), "/tmp/x/many.md");
    const store = new TuiStore(manyPlan, 0);
    const start = ev({ type: "run_started", runId: RUN, runbook: { id: "many", file: "/tmp/x/many.md", sha256: "0", title: null }, git: null, operator: "o", host: "h", pid: 1, params: {}, secrets: [], order: manyPlan.steps.map((s) => s.id), options: { onFailure: "ask", yes: false, record: false } });
    feed(store, [start, ...manyPlan.steps.flatMap((s) => [attempt(s.id), out(s.id, `${s.id} ok\n`), finished(s.id), ev({ type: "step_finished", target: s.id, status: "done", by: "run" })]), ev({ type: "run_finished", status: "completed", exitCode: 0 })]);
    store.finish(undefined, "/state/runs/x.jsonl");
    const ui = renderAt(<App store={store} theme={theme} onStop={() => undefined} />, { columns: 80, rows: 24 });
    await until(() => {
      const frame = ui.lastFrame();
      expect(frame).toContain("✔ 30 steps done");
      expect(frame).toContain("s30 ok");
      expect(frame).toContain(`runbook log ${RUN}`);
      expect(lines(frame).length).toBeLessThan(24);
    });
    ui.unmount();
  });
});

describe("TUI: panels, one per state", () => {
  const view = (events: JournalEvent[]) => toView(stateOf(events), plan, "me");
  const frameOf = (content: ReturnType<typeof stepPanel>) => render(<Panel content={content} theme={theme} />).lastFrame() ?? "";

  it.each([
    ["a timeout", { exitCode: null, signal: "SIGTERM", timedOut: true }, /timed out after 30s/, /process group was stopped/],
    ["a signal", { exitCode: null, signal: "SIGKILL" }, /killed by SIGKILL/, /out-of-memory killer/],
    ["exit 126", { exitCode: 126 }, /exit 126/, /not executable/],
    ["exit 127", { exitCode: 127 }, /exit 127/, /command not found/],
    ["exit 130", { exitCode: 130 }, /exit 130/, /Ctrl-C/],
    ["exit 137", { exitCode: 137 }, /exit 137/, /SIGKILL/],
    ["exit 143", { exitCode: 143 }, /exit 143/, /SIGTERM/],
    ["exit 139", { exitCode: 139 }, /exit 139/, /signal 11 \(SIGSEGV\)/],
    ["a block that could not start", { exitCode: null, error: "spawn bash ENOENT" }, /could not start: spawn bash ENOENT/, /./],
  ])("a step that failed with %s says so, and what it usually means", (_name, over, what, hint) => {
    const v = view([started(), attempt("lag"), finished("lag", over)]);
    const frame = frameOf(stepPanel({ step: plan.steps[0]!, row: v.rows[0], values: v.values, width: 76, max: 20, now: Date.now() }));
    expect(frame).toMatch(what);
    expect(frame).toMatch(hint);
  });

  it("a failed verify block shows the verify command, not the step's command", () => {
    const rb = buildRunbook("/tmp/x/v.md", `---\nid: v\nowner: o\n---\n# V\n## Steps\n### S {#s}\n${fence("sh", "do-it")}${fence("sh verify", "check-it")}`);
    const p = buildPlan(rb, buildStepGraph(rb), "/tmp/x/v.md");
    const s0 = ev({ type: "run_started", runId: RUN, runbook: { id: "v", file: "/tmp/x/v.md", sha256: "0", title: null }, git: null, operator: "o", host: "h", pid: 1, params: {}, secrets: [], order: ["s"], options: { onFailure: "ask", yes: false, record: false } });
    const v = toView(stateOf([s0, attempt("s"), finished("s"), attempt("s", 1, "verify"), finished("s", { exitCode: 1 }, 1, "verify")]), p, "me");
    const frame = frameOf(stepPanel({ step: p.steps[0]!, row: v.rows[0], values: v.values, width: 76, max: 20, now: Date.now() }));
    expect(frame).toContain("✖ verify attempt 1 failed: exit 1");
    expect(frame).toContain("verify $ check-it");
    expect(frame).not.toContain("do-it");
  });

  it("shows a colleague's note on the live run above the screen, escaped, the last two kept", async () => {
    const { store, ui, state } = setup([started(), ...checked(), attempt("lag"), out("lag", "lag 0\n")]);
    const note = (by: string, text: string) => ev({ type: "note", by, text, queued: { id: `x-${by}`, at: "2026-01-01T00:00:09.000Z" } });
    feed(store, [note("bob", "DBA paged"), note("carol", "replica caught up\u001b[2J"), note("dave", "going for coffee")], state);
    await until(() => {
      const frame = ui.lastFrame();
      expect(frame).not.toContain("note from bob");
      expect(frame).toContain("✎ note from carol: replica caught up");
      expect(frame).not.toContain("\u001b[2J");
      expect(frame).toContain("✎ note from dave: going for coffee");
      expect(lines(frame).length).toBeLessThanOrEqual(24);
    });
  });

  it("shows a captured value once it is captured, and a secret param as ***", () => {
    const v = view([started(), ...checked(), attempt("leader"), finished("leader", { capture: { name: "LEADER", value: "db-2", secret: false } }), ev({ type: "step_finished", target: "leader", status: "done", by: "run" })]);
    const frame = frameOf(stepPanel({ step: plan.steps[3]!, row: v.rows[3], values: v.values, width: 76, max: 20, now: Date.now() }));
    expect(frame).toContain('$ promote "db-2"');
    const lag = frameOf(stepPanel({ step: plan.steps[0]!, row: v.rows[0], values: v.values, width: 76, max: 20, now: Date.now() }));
    expect(lag).toContain("with ***;");
    expect(lag).toContain("the leader is db-2.");
  });

  it("keeps the command before the prose when space is short", () => {
    const v = view([started()]);
    const frame = frameOf(stepPanel({ step: plan.steps[0]!, row: v.rows[0], values: v.values, width: 40, max: 4, now: Date.now() }));
    expect(frame).toContain("check-lag");
    expect(frame).toContain("Check lag (lag)");
    expect(lines(frame).length).toBe(6);
  });

  it("a prerequisite check being retried shows its command and the countdown", () => {
    const fail = { ...finished("@prerequisite/1", { exitCode: 2, retryInMs: 10_000 }, 1, "check"), ts: new Date().toISOString() } as JournalEvent;
    const v = view([started(), attempt("@prerequisite/1", 1, "check"), fail]);
    const frame = frameOf(checkPanel(v.checks[0]!, v.values, 76, 10, Date.now()));
    expect(frame).toMatch(/prerequisite 1 \(line \d+\)/);
    expect(frame).toMatch(/exit 2 after 1\.5s · attempt 2 of 3 in \d+\.\ds/);
    expect(frame).toContain("$ pg_isready -h db-2");
  });
});

describe("TUI: the step list and the footer", () => {
  it("a long list scrolls around the focus, saying how many rows are hidden above and below", () => {
    const many = buildRunbook("/tmp/x/many.md", `---\nid: many\nowner: o\n---\n# Many\n## Steps\n${Array.from({ length: 30 }, (_, i) => `### Step ${i + 1} {#s${i + 1}}\n${fence("sh", "true")}`).join("")}`);
    const p = buildPlan(many, buildStepGraph(many), "/tmp/x/many.md");
    const start = ev({ type: "run_started", runId: RUN, runbook: { id: "many", file: "/tmp/x/many.md", sha256: "0", title: null }, git: null, operator: "o", host: "h", pid: 1, params: {}, secrets: [], order: p.steps.map((s) => s.id), options: { onFailure: "ask", yes: false, record: false } });
    const v = toView(stateOf([start]), p, "me");
    const frame = render(<StepList view={v} focus="s15" now={Date.now()} width={80} height={6} theme={theme} />).lastFrame() ?? "";
    expect(lines(frame)).toHaveLength(6);
    expect(frame).toContain("… 13 more above");
    expect(frame).toMatch(/s15 +Step 15/);
    expect(frame).toContain("… 13 more");
  });

  it.each([
    ["manual", "Do this step by hand, then press Enter.", / Enter +done +s +skip +a +abort/],
    ["failed", "The step failed.", / r +retry +s +skip +b +roll back +a +abort/],
    ["interrupted", "This step was interrupted; its outcome is unknown.", / r +re-run +s +skip +d +mark done/],
    ["undo_before_skip", "Skip it: undo its change first?", / Enter +run its rollback, then skip +n +skip, leave it/],
    ["rollback", "Roll back what the list above shows?", / y +roll back +n +not now/],
  ] as const)("footer for a %s question", (kind, text, keys) => {
    const q = { kind, step: plan.steps[0]!, target: "lag", phase: "command", items: [], answer: () => undefined } as never;
    const ui = render(<Footer question={q} ui={NO_UI} stopArmed={false} running={false} width={100} theme={theme} />);
    expect(ui.lastFrame()).toContain(text);
    expect(ui.lastFrame()).toMatch(keys);
  });

  it("footer while a skip after a failure waits for its second key", () => {
    const q = { kind: "failed", step: plan.steps[0]!, answer: () => undefined } as never;
    const guard = { key: "s", label: "skip", answer: "skip", confirm: "Skip this failed step and go on? Its change may be half done." };
    const frame = render(<Footer question={q} ui={{ ...NO_UI, guard }} stopArmed={false} running={false} width={80} theme={theme} />).lastFrame() ?? "";
    expect(frame).toMatch(/Skip this failed step and go on\? Its change may be half done\. Press +s +again or\s+Enter +to confirm; any other key cancels\./);
  });
});

describe("TUI: output, every line reachable", () => {
  function storeWith(events: JournalEvent[]) {
    const store = new TuiStore(plan, 0);
    feed(store, events);
    return store;
  }

  it("scrolls the current step's output and brings up an earlier step's", async () => {
    const numbered = Array.from({ length: 100 }, (_, i) => `lag line ${i + 1}`).join("\n");
    const store = storeWith([started(), ...checked(), attempt("lag"), out("lag", `${numbered}\n`), finished("lag"), ev({ type: "step_finished", target: "lag", status: "done", by: "run" }), attempt("fence"), out("fence", "fencing\n")]);
    const ui = renderAt(<App store={store} theme={theme} onStop={() => undefined} />, { columns: 80, rows: 24 });
    await until(() => expect(ui.lastFrame()).toContain("── output of fence ── ↑↓ PgUp PgDn Home End · ←→ other steps"));
    ui.write("\u001b[D");
    await until(() => expect(ui.lastFrame()).toContain("lag line 100"));
    expect(ui.lastFrame()).not.toContain("lag line 50\n");
    ui.write("\u001b[H");
    await until(() => expect(ui.lastFrame()).toMatch(/── output of lag · lines 1–\d+ of 100 ──/));
    expect(ui.lastFrame()).toContain("lag line 1\n");
    ui.write("\u001b[6~");
    await until(() => expect(ui.lastFrame()).not.toContain("lag line 1\n"));
    ui.write("\u001b[F");
    await until(() => expect(ui.lastFrame()).toContain("── output of fence"));
    expect(ui.lastFrame()).toContain("fencing");
    ui.unmount();
  });

  it("keeps the lines on screen in place while more arrive below, when scrolled back", async () => {
    const store = storeWith([started(), attempt("lag"), out("lag", "a\nb\nc\nd\n")]);
    store.scroll(2, 1);
    const before = store.getSnapshot().scrollBack;
    let state = stateOf([started(), attempt("lag"), out("lag", "a\nb\nc\nd\n")]);
    const more = out("lag", "e\nf\n");
    state = apply(state, more);
    store.onEvent(more, state);
    await until(() => expect(store.getSnapshot().scrollBack).toBe(before + 2));
    store.dispose();
  });

  it("bounds memory per step however much it prints, and counts every line; runbook log has the rest", async () => {
    const log = new OutputLog();
    for (let i = 0; i < 200; i++) log.add("lag", "stdout", Array.from({ length: 1000 }, (_, j) => `line ${i * 1000 + j}`).join("\n") + "\n");
    log.add("lag", "stdout", `${"x".repeat(100_000)}\n`);
    const w = log.window("lag")!;
    expect(w.total).toBe(200_001);
    expect(w.lines.length).toBeLessThanOrEqual(1000);
    expect(w.lines.at(-2)?.text).toBe("line 199999");
    expect(w.lines.at(-1)?.text).toMatch(/^x{2000}… \(98,000 more characters\)$/);
    expect(w.dropped).toBe(200_001 - w.lines.length);
    const ui = render(<OutputPane window={w} back={w.lines.length} chosen height={6} width={80} theme={theme} runId={RUN} others={false} ended={false} />);
    expect(ui.lastFrame()).toContain(`earlier lines: runbook log ${RUN} --step lag`);
  });

  it("wraps a long line instead of cutting it", () => {
    const log = new OutputLog();
    log.add("lag", "stdout", `${"a".repeat(70)}${"b".repeat(20)}\n`);
    const frame = render(<OutputPane window={log.window("lag")} back={0} chosen={false} height={4} width={80} theme={theme} runId={RUN} others={false} ended={false} />).lastFrame() ?? "";
    expect(frame).toContain(`${"a".repeat(70)}${"b".repeat(10)}\n${"b".repeat(10)}`);
  });

  it("marks where a new attempt's output begins", () => {
    const log = new OutputLog();
    log.add("lag", "stdout", "first try\n");
    log.startAttempt("lag", "command", 2);
    log.add("lag", "stdout", "second try\n");
    expect(log.window("lag")?.lines.map((l) => l.text)).toEqual(["first try", "── attempt 2 ──", "second try"]);
  });
});

describe("TUI: params", () => {
  const entries: ParamEntry[] = [
    { name: "REGION", value: "eu-1", source: "typed", secret: false, description: "Region to fail over in", example: "eu-1", choices: undefined, defaultValue: undefined, validate: (v) => (/^[a-z]+-\d$/.test(v) ? undefined : `\`REGION\`: \`${v}\` does not match`) },
    { name: "TARGET_ENV", value: "staging", source: "default", secret: false, description: "Which environment", example: undefined, choices: ["staging", "production"], defaultValue: "staging", validate: () => undefined },
    { name: "TOKEN", value: "s3cr3t-value", source: "environment", secret: true, description: undefined, example: undefined, choices: undefined, defaultValue: undefined, validate: () => undefined },
    { name: "HOST", value: "db-1", source: "flag", secret: false, description: undefined, example: undefined, choices: undefined, defaultValue: undefined, validate: () => undefined },
  ];

  function review() {
    const done: Array<Readonly<Record<string, string>> | undefined> = [];
    const ui = renderAt(<ParamReview entries={entries} onDone={(v) => done.push(v)} width={120} height={20} theme={theme} />, { columns: 120, rows: 24 });
    return { ui, done };
  }

  it("lists every param with its value, where it came from and what the runbook says of it; a secret as ***", async () => {
    const { ui } = review();
    const frame = await ui.waitFor(/› ▶ Start the run/);
    expect(frame).toContain("Check the params before the run starts");
    expect(frame).toMatch(/REGION +eu-1 +typed *│\n│ +Region to fail over in · e\.g\. eu-1/);
    expect(frame).toMatch(/TARGET_ENV +staging +default *│\n│ +Which environment · default staging · one of staging, production/);
    expect(frame).toMatch(/TOKEN +\*\*\* +RUNBOOK_PARAM_ *│\n│ +secret: never shown/);
    expect(frame).toMatch(/HOST +db-1 +-p flag/);
    expect(frame).toMatch(/› ▶ Start the run/);
    expect(frame).not.toContain("s3cr3t-value");
    ui.unmount();
  });

  it("edits a value (validated), picks a choice from a list, and starts with what is on screen", async () => {
    const { ui, done } = review();
    // Each key, then the state it leads to: a key is drawn some time after it is written.
    const key = async (read: string, then: RegExp) => {
      ui.write(read);
      return ui.waitFor(then);
    };
    await ui.waitFor(/› ▶ Start the run/);
    await key("\u001b[A", /› HOST/);
    await key("\u001b[A", /› TOKEN/);
    await key("\u001b[A", /› TARGET_ENV/);
    expect(await key("\r", /› 1\. staging/)).toContain("2. production");
    await key("2", /TARGET_ENV +production +edited/);
    await key("\u001b[A", /› REGION/);
    await key("\r\u0015EU", /`REGION`: `EU` does not match/);
    ui.write("\r");
    await key("\u0015us", /› us/);
    expect(done).toEqual([]);
    await key("-2\r", /REGION +us-2 +edited/);
    ui.write("s");
    await ui.waitFor(() => done.length > 0);
    expect(done).toEqual([{ REGION: "us-2", TARGET_ENV: "production", TOKEN: "s3cr3t-value", HOST: "db-1" }]);
    ui.unmount();
  });

  it("leaving without running anything takes a second q", async () => {
    const { ui, done } = review();
    await ui.waitFor(/› ▶ Start the run/);
    ui.write("q");
    await ui.waitFor(/Leave without running anything\? Press q again or Enter; any other key stays\./);
    ui.write("x");
    await ui.waitFor(/Enter or s start/);
    expect(done).toEqual([]);
    ui.write("qq");
    await ui.waitFor(() => done.length > 0);
    expect(done).toEqual([undefined]);
    ui.unmount();
  });

  it("asks for a param with choices from a list, showing its example", async () => {
    const got: string[] = [];
    const ui = renderAt(<ParamForm name="TARGET_ENV" description="Which environment" example="staging" choices={["staging", "production"]} secret={false} validate={() => undefined} onSubmit={(v) => got.push(v)} theme={theme} />, { columns: 80, rows: 24 });
    const frame = await ui.waitFor(/› 1\. staging[\s│]*2\. production/);
    expect(frame).toContain("e.g. staging");
    ui.write("\u001b[B");
    await ui.waitFor(/› 2\. production/);
    ui.write("\r");
    await ui.waitFor(() => got.length > 0);
    expect(got).toEqual(["production"]);
    ui.unmount();
  });
});

describe("TUI: the other questions and ends, one frame each", () => {
  const answering = () => {
    const answers: string[] = [];
    return { answers, answer: (a: string) => answers.push(a) };
  };

  it("a manual step: its instructions, Enter says it is done", async () => {
    const { answers, answer } = answering();
    const { store, ui } = setup([started()]);
    store.ask({ kind: "manual", step: plan.steps[4]!, answer });
    await until(() => {
      const frame = ui.lastFrame();
      expect(frame).toMatch(/Repoint \(repoint; manual\)/);
      expect(frame).toContain("Update DNS.");
      expect(lines(frame).slice(-2).join("\n")).toMatch(/Do this step by hand, then press Enter\. +Enter +done +s +skip +a +abort\s+Tab +whole step\s+\? +keys$/);
    });
    ui.write("\r");
    await until(() => expect(answers).toEqual(["done"]));
    ui.unmount();
  });

  it("skip after a failure asks once more: another key cancels; s twice in one read skips", async () => {
    const { answers, answer } = answering();
    const { store, ui } = setup([started(), ...checked(), attempt("lag"), out("lag", "lagging\n"), finished("lag", { exitCode: 1 })]);
    store.ask({ kind: "failed", step: plan.steps[0]!, phase: "command", result: { exitCode: 1, signal: null, timedOut: false, durationMs: 5, error: undefined, retryInMs: null, interrupted: false }, output: "", answer });
    await until(() => expect(ui.lastFrame()).toMatch(/failed: exit 1/));
    ui.write("s");
    await until(() => expect(ui.lastFrame()).toMatch(/Skip this failed step and go on\? Its change may be half done\. Press +s +again/));
    ui.write("x");
    await until(() => expect(ui.lastFrame()).toContain("Cancelled: did not skip."));
    expect(answers).toEqual([]);
    ui.write("ss");
    await until(() => expect(answers).toEqual(["skip"]));
    ui.unmount();
  });

  it("undo before a skip: Enter runs the rollback block first", async () => {
    const { answers, answer } = answering();
    const { store, ui } = setup([started()]);
    store.ask({ kind: "undo_before_skip", step: plan.steps[1]!, answer });
    await until(() => expect(lines(ui.lastFrame()).slice(-2).join(" ")).toMatch(/Skip it: undo its change first\? +Enter +run its rollback, then skip +n +skip, leave it/));
    ui.write("\r");
    await until(() => expect(answers).toEqual(["yes"]));
    ui.unmount();
  });

  it("the rollback preview: what will be undone, in order, before anything is; n goes back", async () => {
    const { answers, answer } = answering();
    const { store, ui } = setup([started()]);
    const items = [
      { target: "fence", label: "fence: Fence", action: "unfence", runs: true },
      { target: "lag", label: "lag: Check lag", action: "nothing runs (no rollback block)", runs: false },
    ];
    store.ask({ kind: "rollback", step: plan.steps[1]!, items, answer });
    await until(() => {
      const frame = ui.lastFrame();
      expect(frame).toContain("Rolling back will undo, in this order:");
      expect(frame).toMatch(/1\. fence: Fence unfence/);
      expect(frame).toMatch(/2\. lag: Check lag nothing runs \(no rollback block\)/);
      expect(lines(frame).at(-1)).toMatch(/Roll back what the list above shows\? +y +roll back +n +not now/);
    });
    ui.write("n");
    await until(() => expect(answers).toEqual(["no"]));
    ui.unmount();
  });

  it("before any output: the pane says so", () => {
    const frame = render(<OutputPane window={undefined} back={0} chosen={false} height={3} width={80} theme={theme} runId={RUN} others={false} ended={false} />).lastFrame() ?? "";
    expect(frame).toBe("── output ──\n(none yet)");
  });

  it.each([
    ["interrupted", ev({ type: "run_interrupted", signal: "SIGINT", target: "fence" }), /Run interrupted/, [`runbook resume ${RUN}`, `runbook rollback ${RUN}`]],
    ["aborted", ev({ type: "run_finished", status: "aborted", exitCode: 3 }), /Run aborted/, [`runbook resume ${RUN}`, `runbook rollback ${RUN}`]],
    ["completed", ev({ type: "run_finished", status: "completed", exitCode: 0 }), /Run completed/, []],
  ] as const)("the summary of a run %s: the last output, what to type next", async (_word, end, head, commands) => {
    const { store, ui } = setup([started(), ...checked(), attempt("lag"), out("lag", "lag ok\n"), finished("lag"), ev({ type: "step_finished", target: "lag", status: "done", by: "run" }), attempt("fence"), out("fence", "fencing db-1\n"), end]);
    store.finish(undefined, "/state/runs/x.jsonl");
    const frame = await until(() => {
      const frame = ui.lastFrame();
      expect(frame).toMatch(head);
      expect(frame).toContain("── last output of fence ──");
      expect(frame).toContain("fencing db-1");
      return frame;
    });
    for (const c of commands) expect(frame).toContain(c);
    expect(frame).toContain(`runbook log ${RUN}`);
    expect(lines(frame).length).toBeLessThan(24);
    ui.unmount();
  });
});

describe("TUI: params, the other states", () => {
  it("a typed param: a secret shows only stars; a value the declaration refuses says why and is not taken; text and Enter in one read", async () => {
    const got: string[] = [];
    const ui = renderAt(<ParamForm name="TOKEN" description="API token" example={undefined} choices={undefined} secret validate={(v) => (v.length < 4 ? "`TOKEN` is too short" : undefined)} onSubmit={(v) => got.push(v)} theme={theme} />, { columns: 80, rows: 24 });
    await until(() => expect(ui.lastFrame()).toMatch(/TOKEN API token \(hidden\)/));
    ui.write("ab");
    await until(() => {
      expect(ui.lastFrame()).toMatch(/› \*\* /);
      expect(ui.lastFrame()).not.toContain("ab");
      expect(ui.lastFrame()).toContain("`TOKEN` is too short");
    });
    ui.write("\r");
    expect(got).toEqual([]);
    ui.write("\u0015s3cr3t\r");
    await until(() => expect(got).toEqual(["s3cr3t"]));
    expect(ui.lastFrame()).not.toContain("s3cr3t");
    ui.unmount();
  });

  it("more params than fit 80×24: the list scrolls around the cursor, the start row always in sight", async () => {
    const many: ParamEntry[] = Array.from({ length: 20 }, (_, i) => ({ name: `P${i + 1}`, value: `v${i + 1}`, source: "default", secret: false, description: undefined, example: undefined, choices: undefined, defaultValue: undefined, validate: () => undefined }));
    const ui = renderAt(<ParamReview entries={many} onDone={() => undefined} width={80} height={21} theme={theme} />, { columns: 80, rows: 24 });
    let frame = await ui.waitFor(/› ▶ Start the run/);
    expect(lines(frame).length).toBeLessThanOrEqual(21);
    expect(frame).toMatch(/… \d+ more above/);
    expect(frame).toMatch(/P20 +v20 +default/);
    expect(frame).toMatch(/› ▶ Start the run/);
    ui.write("\u001b[H");
    frame = await ui.waitFor(/› P1 +v1 +default/);
    expect(lines(frame).length).toBeLessThanOrEqual(21);
    expect(frame).toMatch(/… \d+ more\s*│/);
    expect(frame).not.toMatch(/more above/);
    expect(frame).toContain("▶ Start the run");
    ui.unmount();
  });
});

describe("TUI: every value whole where it is checked", () => {
  const PRIMARY = "postgresql://app_admin@orders-db-primary.prod.internal:5432/orders";
  const REPLICA = "postgresql://app_admin@orders-db-replica.prod.internal:5432/orders";
  /** 70 characters, no look-alike. */
  const SEVENTY = "https://grafana.prod.internal/d/orders-db/replication-lag?orgId=1&vr=a";
  const long = Array.from({ length: 30 }, (_, i) => `echo "line ${i + 1} of the long command"`).join("\n");
  const failover = buildRunbook(
    "/tmp/x/fo.md",
    `---\nid: fo\nowner: o\nparams:\n  PRIMARY_URL: {}\n  REPLICA_URL: {}\n  DASHBOARD: {}\n  TOKEN: {secret: true}\n---\n# Failover\n## Steps\n### Check {#check}\n${fence("sh", "true")}### Promote the replica {#promote}\nPromote the replica; \`$PRIMARY_URL\` must be fenced first.\n\n${fence("sh confirm", `psql "$REPLICA_URL" -c 'select pg_promote()' --token "$TOKEN"\nopen "$DASHBOARD"\n${long}`)}${fence("sh rollback", "true")}### Cut over {#cutover}\n${fence('sh confirm irreversible="clients cannot be moved back"', 'cutover "$REPLICA_URL"')}`,
  );
  const foPlan = buildPlan(failover, buildStepGraph(failover), "/tmp/x/fo.md");
  const foStart = () =>
    ev({ type: "run_started", runId: RUN, runbook: { id: "fo", file: "/tmp/x/fo.md", sha256: "0", title: "Failover" }, git: null, operator: "alice", host: "h", pid: 1, params: { PRIMARY_URL: REPLICA, REPLICA_URL: PRIMARY, DASHBOARD: SEVENTY, TOKEN: "***" }, secrets: ["TOKEN"], order: foPlan.steps.map((s) => s.id), options: { onFailure: "ask", yes: false, record: false } });
  /** The failover run at the confirmation of `step`, the check's 20 lines of output above. */
  function asking(step: number, size: { columns: number; rows: number }) {
    const store = new TuiStore(foPlan, 0);
    feed(store, [foStart(), attempt("check"), out("check", Array.from({ length: 20 }, (_, i) => `check output ${i}\n`).join("")), finished("check"), ev({ type: "step_finished", target: "check", status: "done", by: "run" })]);
    const answers: string[] = [];
    store.ask({ kind: "confirm", step: foPlan.steps[step]!, answer: (a) => answers.push(a) });
    const ui = renderAt(<App store={store} theme={theme} onStop={() => undefined} />, size);
    return { store, ui, answers };
  }
  const entry = (name: string, value: string, over: Partial<ParamEntry> = {}): ParamEntry => ({ name, value, source: "environment", secret: false, description: undefined, example: undefined, choices: undefined, defaultValue: undefined, validate: () => undefined, ...over });
  function reviewing(size: { columns: number; rows: number }) {
    const store = new TuiStore(foPlan, 0);
    const entries = [
      entry("PRIMARY_URL", REPLICA, { description: "The database to promote", source: "flag" }),
      entry("REPLICA_URL", PRIMARY, { description: "The one to keep as a replica" }),
      entry("DASHBOARD", SEVENTY, { source: "default", defaultValue: SEVENTY }),
      entry("TOKEN", `${PRIMARY}x`, { secret: true }),
    ];
    const done: Array<Readonly<Record<string, string>> | undefined> = [];
    store.ask({ kind: "review", entries, answer: (v) => done.push(v) });
    const ui = renderAt(<App store={store} theme={theme} onStop={() => undefined} />, size);
    return { ui, done };
  }
  /** The carets under `value` in `frame` sit under its characters from `from` to `to`; the note is near. */
  function marked(frame: string, value: string, from: number, to: number, other: string) {
    const ls = lines(frame);
    const at = lineWith(ls, value);
    expect(at, frame).toBeDefined();
    const carets = ls[at!.row + 1]!;
    expect(Array.from(carets).findIndex((c) => c === "^"), frame).toBe(at!.col + from);
    expect(carets.match(/\^+/)?.[0].length).toBe(to - from);
    expect(ls.slice(at!.row + 1, at!.row + 3).join("\n")).toContain(`differs from ${other} at character ${from + 1}`);
  }

  it.each([
    [80, 24],
    [200, 50],
  ])("the param review at %i×%i: each value whole on one line, the look-alikes marked where they differ, a secret never compared", async (columns, rows) => {
    expect(SEVENTY).toHaveLength(70);
    const { ui } = reviewing({ columns, rows });
    const frame = await ui.waitFor(/Start the run/);
    expect(lines(frame).length).toBeLessThan(rows);
    for (const v of [PRIMARY, REPLICA, SEVENTY]) expect(frame).toContain(v);
    marked(frame, REPLICA, 33, 40, "REPLICA_URL");
    marked(frame, PRIMARY, 33, 40, "PRIMARY_URL");
    expect(frame).toMatch(/TOKEN +\*\*\* +RUNBOOK_PARAM_/);
    expect(frame).not.toContain("TOKEN at");
    expect(frame).not.toContain(`${PRIMARY}x`);
    console.log(`frame: the param review at ${columns}×${rows}\n${frame}`);
    ui.unmount();
  });

  it("a value longer than the screen is wide wraps, whole, in the review and in its edit field", async () => {
    const huge = `${SEVENTY}/${"abcdefghij".repeat(12)}`;
    const ui = renderAt(<ParamReview entries={[entry("QUERY", huge)]} onDone={() => undefined} width={80} height={21} theme={theme} />, { columns: 80, rows: 24 });
    const frame = await ui.waitFor(/Start the run/);
    expect(readsWhole(lines(frame), huge), frame).toBe(true);
    ui.write("\u001b[A\r");
    const editing = lines(await ui.waitFor(/Enter keep · Esc cancel/)).slice(-6);
    expect(readsWhole(editing, huge), ui.lastFrame()).toBe(true);
    ui.unmount();
  });

  it.each([
    [80, 24],
    [200, 50],
  ])("the confirmation at %i×%i: the values the command uses, each whole, the look-alike marked, the secret ***", async (columns, rows) => {
    const { ui } = asking(1, { columns, rows });
    const frame = await ui.waitFor(/Run this step\?/);
    expect(lines(frame).length).toBeLessThan(rows);
    expect(frame).toContain("values the command uses:");
    expect(frame).toContain(SEVENTY);
    expect(frame).toMatch(/TOKEN +\*\*\*/);
    // REPLICA_URL holds the primary's URL: where it differs from PRIMARY_URL is marked.
    const values = lines(frame).slice(lines(frame).findIndex((l) => l.includes("values the command uses:")));
    marked(values.join("\n"), PRIMARY, 33, 40, "PRIMARY_URL");
    expect(lines(frame).slice(-1)[0]).toMatch(/Run this step\? +y +run +s +skip +a +abort +Tab +whole step +\? +keys/);
    console.log(`frame: the confirmation at ${columns}×${rows}\n${frame}`);
    ui.unmount();
  });

  it("at 80×24 Tab shows the whole step; ↓, PgDn and End scroll it to the command's last line; Esc goes back; y still answers", async () => {
    const { ui, answers } = asking(1, { columns: 80, rows: 24 });
    let frame = await ui.waitFor(/Run this step\?/);
    expect(frame).not.toContain("line 30 of the long command");
    expect(frame).toMatch(/… \d+ more lines: Tab shows the whole step/);
    ui.write("\t");
    frame = await ui.waitFor(/── step promote, whole · lines 1–(\d+) of (\d+) ── ↑↓ PgUp PgDn Home End · Tab back/);
    expect(frame).toContain("Promote the replica;");
    expect(frame).toContain(`${REPLICA} must be`);
    expect(frame).not.toContain("line 30 of the long command");
    expect(lines(frame).length).toBeLessThan(24);
    ui.write("\u001b[B");
    await ui.waitFor(/lines 2–\d+ of \d+/);
    ui.write("\u001b[6~");
    await ui.waitFor(/lines (?!2–)\d+–\d+ of \d+/);
    ui.write("\u001b[F");
    frame = await ui.waitFor(/lines \d+–(\d+) of \1 /);
    expect(frame).toContain('echo "line 30 of the long command"');
    expect(frame).toContain("rollback $ true");
    expect(frame).toContain("values the step uses:");
    expect(lines(frame).length).toBeLessThan(24);
    console.log(`frame: the whole step at 80×24, at its end\n${frame}`);
    ui.write("\u001b[H");
    await ui.waitFor(/lines 1–\d+ of \d+/);
    ui.write("\u001b");
    await ui.waitFor(/✔ check/);
    expect(answers).toEqual([]);
    ui.write("\t");
    await ui.waitFor(/── step promote, whole/);
    ui.write("y");
    await ui.waitFor(() => answers.length > 0);
    expect(answers).toEqual(["yes"]);
    ui.unmount();
  });

  it("an irreversible step: Tab shows the whole step from the typing field, ? the keys, and neither is typed", async () => {
    const { ui, answers } = asking(2, { columns: 80, rows: 24 });
    await ui.waitFor(/Irreversible: type cutover and press Enter to run it/);
    ui.write("\t");
    await ui.waitFor(/── step cutover, whole/);
    ui.write("?");
    const frame = await ui.waitFor(/At this question: Irreversible: type cutover to run it/);
    expect(frame).toMatch(/cutover Enter +type the step id, then Enter: run this irreversible step/);
    ui.write("y");
    await ui.waitFor(/── step cutover, whole/);
    ui.write("cutover");
    await ui.waitFor(/› cutover$/m);
    ui.write("\r");
    await ui.waitFor(() => answers.length > 0);
    expect(answers).toEqual(["yes"]);
    ui.unmount();
  });

  it("? lists the keys while a step runs, at a question, half-way through an abort; the key that closes the list answers nothing", async () => {
    const { store, ui } = setup([started(), ...checked(), attempt("lag"), out("lag", "lag 0\n")]);
    let frame = await ui.waitFor(/── output of lag/);
    expect(lines(frame).at(-1)).toMatch(/Running… Ctrl-C to stop +\? +keys/);
    ui.write("?");
    frame = await ui.waitFor(/While the run goes on/);
    expect(frame).toMatch(/← → +an earlier or a later step's output/);
    expect(frame).toMatch(/Ctrl-C +asks first; a second Ctrl-C stops the running step/);
    expect(lines(frame).at(-1)).toBe("Any key closes this list; it answers nothing.");
    ui.write("x");
    await ui.waitFor(/── output of lag/);
    const answers: string[] = [];
    store.ask({ kind: "confirm", step: plan.steps[1]!, answer: (a) => answers.push(a) });
    await ui.waitFor(/Run this step\?/);
    ui.write("?");
    frame = await ui.waitFor(/At this question: Run this step\?/);
    expect(frame).toMatch(/ y +run *│\n│ +s +skip *│\n│ +a +abort \(asks once more\)/);
    expect(frame).toMatch(/Tab +the whole step/);
    ui.write("y");
    await ui.waitFor(/Run this step\? +y +run/);
    expect(answers).toEqual([]);
    ui.write("a");
    await ui.waitFor(/Abort the run here\?/);
    ui.write("?");
    frame = await ui.waitFor(/a Enter +abort: Abort the run here\?/);
    expect(frame).toMatch(/any other key +cancel: do not abort/);
    ui.write("q");
    await ui.waitFor(/Abort the run here\? Nothing more will run\. Press/);
    expect(answers).toEqual([]);
    ui.write("a");
    await ui.waitFor(() => answers.length > 0);
    expect(answers).toEqual(["abort"]);
    ui.unmount();
  });

  it("? lists the keys at the param review, in a list of choices, and in the form for a missing param; in a typed value it is typed", async () => {
    const { ui, done } = reviewing({ columns: 80, rows: 24 });
    await ui.waitFor(/Start the run/);
    ui.write("?");
    const frame = await ui.waitFor(/Checking the params before the run starts/);
    expect(frame).toMatch(/s +start the run with the values on screen/);
    expect(frame).toMatch(/Ctrl-U Ctrl-W +typed: clear it; delete a word/);
    expect(frame).not.toMatch(/… \d+ more lines/);
    expect(lines(frame).length).toBeLessThan(24);
    ui.write("s");
    await ui.waitFor(/Check the params before the run starts/);
    expect(done).toEqual([]);
    // Editing DASHBOARD (a URL may hold a ?): the ? is typed.
    ui.write("\u001b[A");
    await ui.waitFor(/› TOKEN/);
    ui.write("\u001b[A");
    await ui.waitFor(/› DASHBOARD/);
    ui.write("\r");
    await ui.waitFor(/Enter keep · Esc cancel/);
    ui.write("?x");
    await ui.waitFor((f) => f.includes(`› ${SEVENTY}?x`));
    ui.unmount();

    const picked: string[] = [];
    const form = renderAt(<ParamForm name="TARGET_ENV" description={undefined} example={undefined} choices={["staging", "production"]} secret={false} validate={() => undefined} onSubmit={(v) => picked.push(v)} theme={theme} width={80} />, { columns: 80, rows: 24 });
    await form.waitFor(/› 1\. staging/);
    form.write("\u001b[B");
    await form.waitFor(/› 2\. production/);
    form.write("?");
    await form.waitFor(/1-9 +take that value/);
    form.write("\r");
    await form.waitFor(/› 2\. production/);
    expect(picked).toEqual([]);
    form.write("\r");
    await form.waitFor(() => picked.length > 0);
    expect(picked).toEqual(["production"]);
    form.unmount();
  });
});
