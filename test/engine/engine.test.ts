import path from "node:path";
import { describe, expect, it } from "vitest";
import { Engine, type Operator } from "../../src/engine/engine.js";
import { buildPlan } from "../../src/engine/plan.js";
import { runBlock } from "../../src/engine/process-runner.js";
import { readJournal, JournalWriter } from "../../src/journal/store.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { buildStepGraph } from "../../src/model/graph.js";
import { fence, marks } from "../helpers/runbooks.js";
import { tempDir } from "../helpers/tmp.js";

/** A person at the keyboard, scripted: answers are taken in order. */
function scripted(answers: string[]): Operator & { asked: string[] } {
  const asked: string[] = [];
  const next = (q: string) => {
    asked.push(q);
    const a = answers.shift();
    if (a === undefined) throw new Error(`unexpected question ${q}`);
    return Promise.resolve(a as never);
  };
  return { name: "alice", asked, confirm: (s) => next(`confirm ${s.id}`), manual: (s) => next(`manual ${s.id}`), failed: (s) => next(`failed ${s.id}`), interrupted: (s) => next(`interrupted ${s.id}`) };
}

async function engineFor(body: string, operator: Operator) {
  const dir = await tempDir();
  const file = path.join(dir, "rb.md");
  const runbook = buildRunbook(file, `---\nid: e\nowner: o\n---\n## Steps\n${body}`);
  const plan = buildPlan(runbook, buildStepGraph(runbook), file);
  const journalFile = path.join(dir, "runs", "r.jsonl");
  const journal = JournalWriter.create(journalFile);
  journal.append({ type: "run_started", runId: "r", runbook: { id: "e", file, sha256: "x", title: null }, git: null, operator: "alice", host: "h", pid: 1, params: {}, secrets: [], order: plan.steps.map((s) => s.id), options: { onFailure: "ask", yes: false, record: false } });
  const mark = path.join(dir, "marks");
  const engine = new Engine({
    plan, runId: "r", journal, runner: runBlock, operator, clock: { sleep: async () => undefined, random: () => 0 },
    signal: new AbortController().signal, baseEnv: { PATH: process.env.PATH ?? "" }, params: { MARK: mark }, secretParams: new Set(),
    graceMs: 500, onFailure: "ask", onEvent: () => undefined,
  });
  return { engine, mark, events: () => readJournal(journalFile).events };
}

describe("Engine with an operator", () => {
  it("exits 3 when the operator aborts at a confirmation, running nothing after", async () => {
    const op = scripted(["abort"]);
    const { engine, mark, events } = await engineFor(`### A {#a}\n${fence("sh confirm irreversible=\"x\"", 'echo a >> "$MARK"')}`, op);
    expect(await engine.run()).toBe(3);
    expect(marks(mark)).toEqual([]);
    expect(events().at(-1)).toMatchObject({ type: "run_finished", status: "aborted", exitCode: 3 });
  });

  it("retries a failed step when asked, then goes on", async () => {
    const op = scripted(["retry"]);
    const { engine, mark } = await engineFor(`### A {#a}\n${fence("sh", 'echo a >> "$MARK"; test "$(wc -l < "$MARK")" -ge 2')}### B {#b}\n${fence("sh", 'echo b >> "$MARK"')}`, op);
    expect(await engine.run()).toBe(0);
    expect(marks(mark)).toEqual(["a", "a", "b"]);
    expect(op.asked).toEqual(["failed a"]);
  });

  it("skips a failed step when asked; rolls back when asked", async () => {
    const skip = await engineFor(`### A {#a}\n${fence("sh", "false")}### B {#b}\n${fence("sh", 'echo b >> "$MARK"')}`, scripted(["skip"]));
    expect(await skip.engine.run()).toBe(0);
    expect(marks(skip.mark)).toEqual(["b"]);
    const back = await engineFor(`### A {#a}\n${fence("sh", "true")}${fence("sh rollback", 'echo undo-a >> "$MARK"')}### B {#b}\n${fence("sh", "false")}`, scripted(["rollback"]));
    expect(await back.engine.run()).toBe(1);
    expect(marks(back.mark)).toEqual(["undo-a"]);
    expect(back.events().at(-1)).toMatchObject({ status: "rolled_back" });
  });

  it("records a manual step's answer and who gave it", async () => {
    const { engine, events } = await engineFor("### Look {#look}\nCheck the dashboard.\n", scripted(["done"]));
    expect(await engine.run()).toBe(0);
    expect(events().find((e) => e.type === "answer")).toMatchObject({ question: "manual", answer: "done", by: "alice" });
  });
});
