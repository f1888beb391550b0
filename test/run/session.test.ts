import { describe, expect, it } from "vitest";
import type { JournalEvent } from "../../src/journal/events.js";
import { continueRun, startRun } from "../../src/run/session.js";
import { reduce, stepWord } from "../../src/run/state.js";
import { toView } from "../../src/report/run-view.js";
import { block, continueRequestFor, memoryLocks, memoryWorld, preparedFrom, scripted, scriptedRunner, startRequest } from "../helpers/memory-world.js";

const events = (w: { store: { runs: Map<string, JournalEvent[]> } }) => [...w.store.runs.values()][0]!;
const runIdOf = (w: { store: { runs: Map<string, JournalEvent[]> } }) => [...w.store.runs.keys()][0]!;
const words = (es: JournalEvent[]) => Object.fromEntries([...reduce(es).steps.values()].map((s) => [s.id, stepWord(s)]));
const failOn = (...phases: string[]) => scriptedRunner((run) => (phases.some((p) => run.source.startsWith(`#${p}\n`)) ? { exitCode: 1 } : {}));

describe("run session, in memory (fake runner, store and operator)", () => {
  it("runs the steps in order and completes", async () => {
    const runner = scriptedRunner(() => ({}));
    const w = memoryWorld({ runner, operator: scripted([]) });
    const rb = preparedFrom(`## Steps\n### A {#a}\n${block("sh", "a")}### B {#b}\n${block("sh", "b")}`);
    expect(await startRun(startRequest(rb), w)).toBe(0);
    expect(runner.ran.map((r) => r.phase)).toEqual(["a", "b"]);
    expect(events(w).at(-1)).toMatchObject({ type: "run_finished", status: "completed" });
    expect(w.finished?.status).toBe("completed");
  });

  it("runs a manual step's verify block after the operator says done; a failing one fails the step", async () => {
    const runner = failOn("check-dns");
    const op = scripted(["done", "abort"]);
    const w = memoryWorld({ runner, operator: op });
    const rb = preparedFrom(`## Steps\n### Repoint DNS by hand {#dns}\nChange the record.\n${block("sh verify", "check-dns")}`);
    expect(await startRun(startRequest(rb), w)).toBe(1);
    expect(op.asked).toEqual(["manual dns", "failed dns"]);
    expect(runner.ran.map((r) => r.phase)).toEqual(["check-dns"]);
    expect(events(w).filter((e) => e.type === "attempt_started")).toMatchObject([{ target: "dns", phase: "verify" }]);
    expect(words(events(w))).toEqual({ dns: "failed" });
  });

  it("retrying a manual step whose verify failed asks for it again, then verifies again", async () => {
    let verifies = 0;
    const runner = scriptedRunner(() => (++verifies === 1 ? { exitCode: 1 } : {}));
    const op = scripted(["done", "retry", "done"]);
    const w = memoryWorld({ runner, operator: op });
    const rb = preparedFrom(`## Steps\n### By hand {#hand}\n${block("sh verify", "v")}`);
    expect(await startRun(startRequest(rb), w)).toBe(0);
    expect(op.asked).toEqual(["manual hand", "failed hand", "manual hand"]);
    expect(verifies).toBe(2);
  });

  it("skipping a failed step asks to run its rollback first; yes runs it, and a later rollback does not run it again", async () => {
    const runner = failOn("b");
    const op = scripted(["skip", "yes"]);
    const w = memoryWorld({ runner, operator: op });
    const rb = preparedFrom(`## Steps\n### A {#a}\n${block("sh", "a")}${block("sh rollback", "undo-a")}### B {#b}\n${block("sh", "b")}${block("sh rollback", "undo-b")}### C {#c}\n${block("sh", "c")}`);
    expect(await startRun(startRequest(rb), w)).toBe(0);
    expect(op.asked).toEqual(["failed b", "undo_before_skip b"]);
    expect(runner.ran.map((r) => r.phase)).toEqual(["a", "b", "undo-b", "c"]);
    expect(events(w).filter((e) => e.type === "answer").map((e) => e.type === "answer" && `${e.question}=${e.answer}`)).toEqual(["failed=skip", "undo_before_skip=yes"]);
    const back = memoryWorld({ store: w.store, runner, operator: scripted(["yes"]) });
    expect(await continueRun(continueRequestFor(rb, runIdOf(w), { mode: "rollback" }), back)).toBe(0);
    expect(runner.ran.map((r) => r.phase).slice(4)).toEqual(["undo-a"]);
  });

  it("a failed step skipped without its rollback is undone by a later `runbook rollback`, newest change first", async () => {
    const runner = failOn("b");
    const w = memoryWorld({ runner, operator: scripted(["skip", "no"]) });
    const rb = preparedFrom(`## Steps\n### A {#a}\n${block("sh", "a")}${block("sh rollback", "undo-a")}### B {#b}\n${block("sh", "b")}${block("sh rollback", "undo-b")}### C {#c}\n${block("sh", "c")}${block("sh rollback", "undo-c")}`);
    expect(await startRun(startRequest(rb), w)).toBe(0);
    expect(words(events(w))).toEqual({ a: "done", b: "skipped", c: "done" });
    const op = scripted(["yes"]);
    const back = memoryWorld({ store: w.store, runner, operator: op });
    expect(await continueRun(continueRequestFor(rb, runIdOf(w), { mode: "rollback" }), back)).toBe(0);
    expect(runner.ran.map((r) => r.phase).slice(3)).toEqual(["undo-c", "undo-b", "undo-a"]);
    expect(words(events(w))).toEqual({ a: "rolled back", b: "rolled back", c: "rolled back" });
  });

  it("`b` at the failure menu previews the rollback and asks once; `n` goes back to the menu", async () => {
    const runner = failOn("b");
    let preview: unknown;
    const answers = ["rollback", "no", "rollback", "yes"];
    const op = {
      name: "alice",
      ask: async (q: { kind: string; items?: unknown }) => {
        if (q.kind === "rollback") preview = q.items;
        return answers.shift() as never;
      },
    };
    const w = memoryWorld({ runner, operator: op as never });
    const rb = preparedFrom(`## Steps\n### A {#a}\n${block("sh", "a")}${block("sh rollback", "undo-a")}### B {#b}\n${block("sh", "b")}`);
    expect(await startRun(startRequest(rb), w)).toBe(1);
    expect(preview).toEqual([
      { target: "b", label: "b: B", action: "nothing runs (no rollback block)", runs: false },
      { target: "a", label: "a: A", action: "#undo-a … (2 lines)", runs: true },
    ]);
    expect(answers).toEqual([]);
    expect(runner.ran.map((r) => r.phase)).toEqual(["a", "b", "undo-a"]);
    expect(events(w).at(-1)).toMatchObject({ type: "run_finished", status: "rolled_back", exitCode: 1 });
  });

  it("`runbook rollback` previews and asks once: no undoes nothing and journals nothing", async () => {
    const runner = failOn("b");
    const w = memoryWorld({ runner });
    const rb = preparedFrom(`## Steps\n### A {#a}\n${block("sh", "a")}${block("sh rollback", "undo-a")}### B {#b}\n${block("sh", "b")}`);
    expect(await startRun(startRequest(rb, { interactive: false, policy: { yes: false, onFailure: "abort", interrupted: undefined } }), w)).toBe(1);
    const before = events(w).length;
    const no = memoryWorld({ store: w.store, runner, operator: scripted(["no"]) });
    expect(await continueRun(continueRequestFor(rb, runIdOf(w), { mode: "rollback" }), no)).toBe(3);
    expect(events(w)).toHaveLength(before);
    expect(runner.ran).toHaveLength(2);
  });

  it("--from and --only: the other steps are assumed done by the operator, never run, never rolled back", async () => {
    const body = ["a", "b", "c", "d"].map((id) => `### ${id.toUpperCase()} {#${id}}\n${block("sh", id)}${block("sh rollback", `undo-${id}`)}`).join("");
    const rb = preparedFrom(`## Steps\n${body}`);
    const from = scriptedRunner(() => ({}));
    const w = memoryWorld({ runner: from });
    expect(await startRun(startRequest(rb, { from: "c" }), w)).toBe(0);
    expect(from.ran.map((r) => r.phase)).toEqual(["c", "d"]);
    expect(words(events(w))).toEqual({ a: "assumed", b: "assumed", c: "done", d: "done" });
    const back = memoryWorld({ store: w.store, runner: from, operator: scripted(["yes"]) });
    expect(await continueRun(continueRequestFor(rb, runIdOf(w), { mode: "rollback" }), back)).toBe(0);
    expect(from.ran.map((r) => r.phase).slice(2)).toEqual(["undo-d", "undo-c"]);

    const only = scriptedRunner(() => ({}));
    const w2 = memoryWorld({ runner: only });
    expect(await startRun(startRequest(rb, { only: ["b", "d"] }), w2)).toBe(0);
    expect(only.ran.map((r) => r.phase)).toEqual(["b", "d"]);
    expect(toView(reduce(events(w2)), rb.plan, "me").rows.map((r) => r.word)).toEqual(["assumed", "done", "assumed", "done"]);
  });

  it("a value captured from output that holds a secret is secret: masked, never journaled", async () => {
    const secret = "hunter2hunter2";
    const runner = scriptedRunner((run) => (run.captureStdout ? { output: `${run.env.S}\n` } : {}));
    const w = memoryWorld({ runner });
    const rb = preparedFrom(`## Steps\n### Get {#get}\n${block("sh capture=TOK", "get", 'printenv S')}### Use {#use}\n${block("sh", "use", 'test -n "$TOK"')}`, "params:\n  S: {secret: true}\n");
    expect(await startRun(startRequest(rb, { given: { S: secret } }), w)).toBe(0);
    const text = JSON.stringify(events(w));
    expect(text).not.toContain(secret);
    expect(events(w).find((e) => e.type === "attempt_finished" && e.capture)).toMatchObject({ capture: { name: "TOK", value: null, secret: true } });
    // The next step still gets it, from memory.
    expect(runner.ran[1]?.env.TOK).toBe(secret);
    expect(toView(reduce(events(w)), rb.plan, "me").rows[0]?.capture).toBe("$TOK=***");
  });

  it("a capture that merely contains a secret param's value is secret too, though the step reads no secret", async () => {
    const runner = scriptedRunner((run) => (run.captureStdout ? { output: "token=very-secret-1\n" } : {}));
    const w = memoryWorld({ runner });
    const rb = preparedFrom(`## Steps\n### Get {#get}\n${block("sh capture=OUT", "get", "cat token.txt")}`, "params:\n  S: {secret: true}\n");
    expect(await startRun(startRequest(rb, { given: { S: "very-secret-1" } }), w)).toBe(0);
    expect(JSON.stringify(events(w))).not.toContain("very-secret-1");
    expect(events(w).find((e) => e.type === "attempt_finished")).toMatchObject({ capture: { name: "OUT", value: null, secret: true } });
  });

  it("refuses to resume a run that is still live, before asking anything", async () => {
    const runner = scriptedRunner(() => ({}));
    const locks = memoryLocks();
    const w = memoryWorld({ runner, locks });
    const rb = preparedFrom(`## Steps\n### A {#a}\n${block("sh", "a")}`);
    await startRun(startRequest(rb), w);
    // Someone else's live process holds the runbook now.
    locks.held.set("mem", { runId: runIdOf(w), user: "bob", host: "memory", pid: 1, startTime: null, startedAt: "x" });
    const op = scripted([]);
    const again = memoryWorld({ store: w.store, runner, operator: op, locks });
    await expect(continueRun(continueRequestFor(rb, runIdOf(w)), again)).rejects.toThrow(/locked by run .*bob@memory/);
    expect(op.asked).toEqual([]);
  });

  it("an interrupted rollback: resume says what was and was not undone; rollback carries on with the rest", async () => {
    const body = ["a", "b", "c"].map((id) => `### ${id.toUpperCase()} {#${id}}\n${block("sh", id)}${block("sh rollback", `undo-${id}`)}`).join("");
    const rb = preparedFrom(`## Steps\n${body}`);
    const runner = scriptedRunner(() => ({}));
    const w = memoryWorld({ runner });
    await startRun(startRequest(rb), w);
    const full = memoryWorld({ store: w.store, runner, operator: scripted(["yes"]) });
    await continueRun(continueRequestFor(rb, runIdOf(w), { mode: "rollback" }), full);
    const all = events(w);
    // A crash right after the first rollback block finished.
    const cut = all.findIndex((e) => e.type === "rollback_finished") + 1;
    const crashed = w.store.crashedAfter(runIdOf(w), cut);
    const resume = memoryWorld({ store: crashed, runner });
    await expect(continueRun(continueRequestFor(rb, runIdOf(w)), resume)).rejects.toThrow(/rollback of run .* was interrupted: undone c; not yet b, a/);
    const runner2 = scriptedRunner(() => ({}));
    const carryOn = memoryWorld({ store: crashed, runner: runner2 });
    expect(await continueRun(continueRequestFor(rb, runIdOf(w), { mode: "rollback", interactive: false }), carryOn)).toBe(0);
    expect(runner2.ran.map((r) => r.phase)).toEqual(["undo-b", "undo-a"]);
  });

  it("Ctrl-C while a param is asked ends the run with 130 and journals nothing", async () => {
    const runner = scriptedRunner(() => ({}));
    const askParam = (stop: () => void) => (_p: unknown, signal: AbortSignal) =>
      new Promise<string>((_resolve, reject) => {
        signal.addEventListener("abort", () => reject(new Error("interrupted")));
        stop();
      });
    const w = memoryWorld({ runner, askParam });
    const rb = preparedFrom(`## Steps\n### A {#a}\n${block("sh", "a")}`, "params:\n  HOST: {}\n");
    expect(await startRun(startRequest(rb), w)).toBe(130);
    expect(w.store.runs.size).toBe(0);
    expect(runner.ran).toEqual([]);
  });

  it("answers given by flags are journaled as given by the flag", async () => {
    const runner = failOn("b");
    const w = memoryWorld({ runner });
    const rb = preparedFrom(`## Steps\n### A {#a}\n${block("sh confirm", "a")}### B {#b}\n${block("sh", "b")}${block("sh rollback", "undo-b")}`);
    expect(await startRun(startRequest(rb, { interactive: false, policy: { yes: true, onFailure: "rollback", interrupted: undefined } }), w)).toBe(1);
    expect(events(w).filter((e) => e.type === "answer").map((e) => e.type === "answer" && `${e.question}=${e.answer} by ${e.by}`)).toEqual(["confirm=yes by --yes", "failed=rollback by --on-failure rollback", "rollback=yes by --on-failure rollback"]);
  });

  it("retries count across a resume: a crash during the backoff does not restart the count", async () => {
    let n = 0;
    const runner = scriptedRunner(() => (++n < 3 ? { exitCode: 1 } : {}));
    const w = memoryWorld({ runner });
    const rb = preparedFrom(`## Steps\n### Flaky {#f}\n${block("sh retries=2 backoff=1s", "f")}`);
    expect(await startRun(startRequest(rb), w)).toBe(0);
    const all = events(w);
    const firstFail = all.findIndex((e) => e.type === "attempt_finished") + 1;
    const crashed = w.store.crashedAfter(runIdOf(w), firstFail);
    let m = 0;
    const runner2 = scriptedRunner(() => (++m < 2 ? { exitCode: 1 } : {}));
    const resume = memoryWorld({ store: crashed, runner: runner2 });
    expect(await continueRun(continueRequestFor(rb, runIdOf(w)), resume)).toBe(0);
    expect(crashed.runs.get(runIdOf(w))!.filter((e) => e.type === "attempt_started").map((e) => e.type === "attempt_started" && [e.attempt, e.retry ?? 0])).toEqual([[1, 0], [2, 1], [3, 2]]);
  });
});

describe("the engine and the fold read an attempt the same way (journal/outcome.ts)", () => {
  it("a block killed by a signal failed, even with an exit code of 0 beside it: retried, nothing captured, the step failed", async () => {
    // The engine used to ignore the signal: it would have captured the output and not retried.
    const runner = scriptedRunner(() => ({ exitCode: 0, signal: "SIGKILL", output: "half a value\n" }));
    const w = memoryWorld({ runner, operator: scripted(["abort"]) });
    const rb = preparedFrom(`## Steps\n### Get {#get}\n${block("sh retries=1 backoff=1s capture=V", "get")}`);
    expect(await startRun(startRequest(rb), w)).toBe(1);
    const finished = events(w).filter((e) => e.type === "attempt_finished");
    expect(finished).toHaveLength(2);
    expect(finished.map((e) => e.type === "attempt_finished" && [e.retryInMs !== null, e.capture])).toEqual([
      [true, undefined],
      [false, undefined],
    ]);
    const state = reduce(events(w));
    expect(state.captures.has("V")).toBe(false);
    expect(stepWord(state.steps.get("get")!)).toBe("failed");
    expect(toView(state, rb.plan, "me").rows[0]?.failure?.what).toBe("killed by SIGKILL");
  });

  it("an interrupted block is not retried and is not a failure: its outcome is unknown", async () => {
    const runner = scriptedRunner(() => ({ exitCode: null, signal: "SIGINT", interrupted: true }));
    const w = memoryWorld({ runner });
    const rb = preparedFrom(`## Steps\n### Get {#get}\n${block("sh retries=2 backoff=1s", "get")}`);
    await startRun(startRequest(rb), w);
    const finished = events(w).filter((e) => e.type === "attempt_finished");
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ interrupted: true, retryInMs: null });
    expect(toView(reduce(events(w)), rb.plan, "me").rows[0]?.failure).toBeUndefined();
  });
});

describe("the param review before a run starts", () => {
  const rb = () => preparedFrom(`## Steps\n### Use {#use}\n${block("sh", "use")}`, "params:\n  REGION: {default: eu-1, pattern: '^[a-z]+-[0-9]$', description: where}\n  HOST: {}\n  TOKEN: {secret: true}\n  MODE: {enum: [dry, real]}\n");

  it("shows every param with its value and where it came from; the values it returns are the ones the steps get", async () => {
    const runner = scriptedRunner(() => ({}));
    let seen: ReadonlyArray<{ name: string; value: string; source: string; secret: boolean }> = [];
    const w = memoryWorld({
      runner,
      reviewParams: async (entries) => {
        seen = entries;
        expect(entries.find((e) => e.name === "REGION")?.validate("EU")).toContain("does not match");
        return { ...Object.fromEntries(entries.map((e) => [e.name, e.value])), REGION: "us-2" };
      },
    });
    const given = { HOST: "db-1", TOKEN: "s3cr3t-token", MODE: "dry" };
    expect(await startRun(startRequest(rb(), { given, givenBy: { HOST: "flag", TOKEN: "environment", MODE: "flag" } }), w)).toBe(0);
    expect(seen.map((e) => [e.name, e.value, e.source, e.secret])).toEqual([
      ["REGION", "eu-1", "default", false],
      ["HOST", "db-1", "flag", false],
      ["TOKEN", "s3cr3t-token", "environment", true],
      ["MODE", "dry", "flag", false],
    ]);
    expect(runner.ran[0]?.env.REGION).toBe("us-2");
    expect(events(w)[0]).toMatchObject({ type: "run_started", params: { REGION: "us-2", HOST: "db-1", TOKEN: "***", MODE: "dry" } });
  });

  it("not starting journals nothing and runs nothing (exit 3); a value the declarations refuse is refused", async () => {
    const runner = scriptedRunner(() => ({}));
    const quit = memoryWorld({ runner, reviewParams: async () => undefined });
    const given = { HOST: "db-1", TOKEN: "s3cr3t-token", MODE: "dry" };
    expect(await startRun(startRequest(rb(), { given }), quit)).toBe(3);
    expect(quit.store.runs.size).toBe(0);
    expect(quit.notices).toContain("not started: nothing ran");
    const bad = memoryWorld({ runner, reviewParams: async () => ({ ...given, REGION: "nowhere" }) });
    await expect(startRun(startRequest(rb(), { given }), bad)).rejects.toThrow(/`REGION`: `nowhere` does not match/);
    expect(bad.store.runs.size).toBe(0);
    expect(runner.ran).toHaveLength(0);
  });

  it("is not shown with --yes", async () => {
    const runner = scriptedRunner(() => ({}));
    const w = memoryWorld({ runner, reviewParams: async () => Promise.reject(new Error("must not be asked")) });
    expect(await startRun(startRequest(rb(), { given: { HOST: "db-1", TOKEN: "s3cr3t-token", MODE: "dry" }, policy: { yes: true, onFailure: "ask", interrupted: undefined } }), w)).toBe(0);
  });
});
