import { describe, expect, it } from "vitest";
import { RunRefusedError, UsageError } from "../../src/core/errors.js";
import type { JournalEvent } from "../../src/journal/events.js";
import type { Ask } from "../../src/run/ask.js";
import { continueRun, previewRollback, startRun } from "../../src/run/session.js";
import { reduce, runWord, stepWord } from "../../src/run/state.js";
import { drillShortfall } from "../../src/run/drill.js";
import { block, continueRequestFor, memoryWorld, preparedFrom, scripted, scriptedRunner, startRequest } from "../helpers/memory-world.js";

const events = (w: { store: { runs: Map<string, JournalEvent[]> } }) => [...w.store.runs.values()][0]!;
const runIdOf = (w: { store: { runs: Map<string, JournalEvent[]> } }) => [...w.store.runs.keys()][0]!;
const words = (es: JournalEvent[]) => Object.fromEntries([...reduce(es).steps.values()].map((s) => [s.id, stepWord(s)]));
const failOn = (...phases: string[]) => scriptedRunner((run) => (phases.some((p) => run.source.startsWith(`#${p}\n`)) ? { exitCode: 1 } : {}));
const ran = (r: { ran: Array<{ phase: string }> }) => r.ran.map((x) => x.phase);

/** The failover: fence (with a rollback that un-fences), an irreversible promote, then a repoint that fails. */
const FAILOVER = preparedFrom(
  `## Steps\n### Fence {#fence}\n${block("sh confirm", "fence")}${block("sh rollback", "UNFENCE")}` +
    `### Promote {#promote}\n${block('sh confirm irreversible="the replica cannot follow again"', "promote")}` +
    `### Repoint {#repoint}\n${block("sh", "repoint")}`,
);
const yesPolicy = { yes: true, onFailure: "rollback" as const, interrupted: undefined, confirmIrreversible: ["promote"] };

describe("an irreversible step is a barrier for every rollback", () => {
  it("--on-failure rollback stops at the completed irreversible step: the fence is never undone; the run ends rolled back to promote, exit 1", async () => {
    const runner = failOn("repoint");
    const w = memoryWorld({ runner });
    expect(await startRun(startRequest(FAILOVER, { interactive: false, policy: yesPolicy }), w)).toBe(1);
    expect(ran(runner)).toEqual(["fence", "promote", "repoint"]);
    const es = events(w);
    expect(es.find((e) => e.type === "rollback_started")).toMatchObject({ targets: ["repoint"], barrier: { target: "promote", reason: "the replica cannot follow again" }, beyond: ["fence"] });
    const end = es.at(-1);
    expect(end).toMatchObject({ type: "run_finished", status: "rolled_back_to", exitCode: 1 });
    expect(end?.type === "run_finished" && end.note).toContain("not undone: fence");
    expect(runWord(reduce(es), false)).toBe("rolled back to promote");
    expect(words(es)).toEqual({ fence: "done", promote: "done", repoint: "not rolled back" });
  });

  it("`b` at the failure menu shows the barrier; y stops there, and typing the step id goes past it, journaled with who did", async () => {
    for (const [answers, undone] of [
      [["rollback", "yes"], []],
      [["rollback", "past", "yes"], ["UNFENCE"]],
    ] as const) {
      const runner = failOn("repoint");
      const seen: Ask[] = [];
      const op = scripted([...answers]);
      const w = memoryWorld({ runner, operator: { ...op, ask: (q, s) => (seen.push(q), op.ask(q, s)) } });
      const code = await startRun(startRequest(FAILOVER, { policy: { yes: true, onFailure: "ask", interrupted: undefined, confirmIrreversible: ["promote"] } }), w);
      expect(ran(runner).slice(3)).toEqual(undone);
      const preview = seen.find((q) => q.kind === "rollback");
      expect(preview).toMatchObject({ items: [{ target: "repoint" }], barrier: { target: "promote", beyond: [{ target: "fence", runs: true }] } });
      const es = events(w);
      if (undone.length) {
        expect(es.filter((e) => e.type === "answer" && e.question === "barrier")).toMatchObject([{ target: "promote", answer: "past", by: "alice" }]);
        expect(code).toBe(1);
        expect(es.at(-1)).toMatchObject({ type: "run_finished", status: "rolled_back" });
        // Asked again after going past: now with nothing left beyond.
        expect(seen.filter((q) => q.kind === "rollback").at(-1)).toMatchObject({ barrier: undefined });
      } else {
        expect(code).toBe(1);
        expect(es.at(-1)).toMatchObject({ type: "run_finished", status: "rolled_back_to" });
      }
    }
  });

  it("`runbook rollback` of a completed run stops at promote (exit 1); --past promote then undoes the fence, and only that (exit 0)", async () => {
    const runner = scriptedRunner(() => ({}));
    const w = memoryWorld({ runner });
    expect(await startRun(startRequest(FAILOVER, { interactive: false, policy: { ...yesPolicy, onFailure: "abort" } }), w)).toBe(0);
    const runId = runIdOf(w);
    const back = (policy = {}) => continueRun(continueRequestFor(FAILOVER, runId, { mode: "rollback", interactive: false, policy: { yes: true, onFailure: "abort", interrupted: undefined, ...policy } }), memoryWorld({ store: w.store, runner }));
    expect(await back()).toBe(1);
    expect(ran(runner)).toEqual(["fence", "promote", "repoint"]);
    expect(reduce(events(w)).status).toBe("rolled_back_to");
    // Asked again without --past: refused, nothing journaled, the way on named.
    const before = events(w).length;
    const refused = await back().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RunRefusedError);
    expect((refused as RunRefusedError).hint).toContain(`runbook rollback ${runId} --past promote`);
    expect(events(w).length).toBe(before);
    // A step that is not irreversible cannot be named.
    expect(await back({ past: ["fence"] }).catch((e: unknown) => e)).toBeInstanceOf(UsageError);
    expect(await back({ past: ["promote"] })).toBe(0);
    expect(ran(runner)).toEqual(["fence", "promote", "repoint", "UNFENCE"]);
    const es = events(w);
    expect(es.filter((e) => e.type === "answer" && e.question === "barrier")).toMatchObject([{ target: "promote", answer: "past", by: "--past promote" }]);
    expect(words(es)).toEqual({ fence: "rolled back", promote: "not rolled back", repoint: "not rolled back" });
  });

  it("--dry-run shows the barrier, what it leaves, and with --past what going past would undo", async () => {
    const w = memoryWorld({ runner: scriptedRunner(() => ({})) });
    await startRun(startRequest(FAILOVER, { interactive: false, policy: { ...yesPolicy, onFailure: "abort" } }), w);
    const req = (past: string[]) => continueRequestFor(FAILOVER, runIdOf(w), { mode: "rollback", interactive: false, policy: { yes: true, onFailure: "abort", interrupted: undefined, past } });
    const stop = await previewRollback(req([]), w);
    expect(stop.items.map((i) => i.target)).toEqual(["repoint"]);
    expect(stop.barrier).toMatchObject({ target: "promote", beyond: [{ target: "fence" }] });
    const past = await previewRollback(req(["promote"]), w);
    expect(past.items.map((i) => i.target)).toEqual(["repoint", "promote", "fence"]);
    expect(past.barrier).toBeUndefined();
  });

  it("## Rollback blocks undo the run as a whole: a barrier leaves them too", async () => {
    const rb = preparedFrom(`## Steps\n### Promote {#promote}\n${block('sh confirm irreversible="no way back"', "promote")}### After {#after}\n${block("sh", "after")}${block("sh rollback", "undo-after")}\n## Rollback\n${block("sh", "runbook-undo")}`);
    const runner = failOn("zzz");
    const w = memoryWorld({ runner });
    await startRun(startRequest(rb, { interactive: false, policy: { yes: true, onFailure: "abort", interrupted: undefined, confirmIrreversible: ["promote"] } }), w);
    expect(await continueRun(continueRequestFor(rb, runIdOf(w), { mode: "rollback", interactive: false }), memoryWorld({ store: w.store, runner }))).toBe(1);
    expect(ran(runner)).toEqual(["promote", "after", "undo-after"]);
    expect(events(w).find((e) => e.type === "rollback_started")).toMatchObject({ targets: ["after"], beyond: ["@rollback/1"] });
  });

  it("an irreversible step whose command timed out may have taken effect: it is a barrier too", async () => {
    const runner = scriptedRunner((run) => (run.source.startsWith("#promote\n") ? { exitCode: null, timedOut: true } : {}));
    const w = memoryWorld({ runner });
    expect(await startRun(startRequest(FAILOVER, { interactive: false, policy: yesPolicy }), w)).toBe(1);
    expect(ran(runner)).toEqual(["fence", "promote"]);
    expect(events(w).find((e) => e.type === "rollback_started")).toMatchObject({ targets: [], barrier: { target: "promote" }, beyond: ["fence"] });
  });

  it("an irreversible step that failed cleanly (exit 1) changed nothing: the fence before it is undone", async () => {
    const runner = failOn("promote");
    const w = memoryWorld({ runner });
    expect(await startRun(startRequest(FAILOVER, { interactive: false, policy: yesPolicy }), w)).toBe(1);
    expect(ran(runner)).toEqual(["fence", "promote", "UNFENCE"]);
  });

  it("an irreversible step assumed done (--only) is a barrier in its place", async () => {
    const runner = failOn("repoint");
    const w = memoryWorld({ runner });
    expect(await startRun(startRequest(FAILOVER, { interactive: false, policy: yesPolicy, only: ["fence", "repoint"] }), w)).toBe(1);
    expect(ran(runner)).toEqual(["fence", "repoint"]);
    expect(events(w).find((e) => e.type === "rollback_started")).toMatchObject({ barrier: { target: "promote" }, beyond: ["fence"] });
  });

  it("two barriers: going past the newer one stops at the older one", async () => {
    const rb = preparedFrom(
      `## Steps\n### A {#a}\n${block("sh", "a")}${block("sh rollback", "undo-a")}### P1 {#p1}\n${block('sh confirm irreversible="one"', "p1")}` +
        `### B {#b}\n${block("sh", "b")}${block("sh rollback", "undo-b")}### P2 {#p2}\n${block('sh confirm irreversible="two"', "p2")}### C {#c}\n${block("sh", "c")}`,
    );
    const runner = failOn("c");
    const op = scripted(["rollback", "past", "yes"]);
    const w = memoryWorld({ runner, operator: op });
    expect(await startRun(startRequest(rb, { policy: { yes: true, onFailure: "ask", interrupted: undefined, confirmIrreversible: ["p1", "p2"] } }), w)).toBe(1);
    expect(ran(runner)).toEqual(["a", "p1", "b", "p2", "c", "undo-b"]);
    expect(events(w).find((e) => e.type === "rollback_started")).toMatchObject({ targets: ["c", "p2", "b"], barrier: { target: "p1" }, beyond: ["a"] });
  });
});

describe("--yes never takes an irreversible step", () => {
  it("stops before promote (exit 3, aborted, resumable), naming the flag; a resume with --confirm-irreversible promote goes on; nothing runs twice", async () => {
    const runner = scriptedRunner(() => ({}));
    const w = memoryWorld({ runner });
    const code = await startRun(startRequest(FAILOVER, { interactive: false, policy: { yes: true, onFailure: "abort", interrupted: undefined } }), w);
    expect(code).toBe(3);
    expect(ran(runner)).toEqual(["fence"]);
    expect(w.notices.join("\n")).toContain("--yes stops before promote (irreversible): to take it, pass --confirm-irreversible promote");
    const end = events(w).at(-1);
    expect(end).toMatchObject({ type: "run_finished", status: "aborted", exitCode: 3 });
    expect(end?.type === "run_finished" && end.note).toContain("--confirm-irreversible promote");
    // Resuming with --yes alone stops there again.
    const resume = (policy: object) => continueRun(continueRequestFor(FAILOVER, runIdOf(w), { interactive: false, policy: { yes: true, onFailure: "abort", interrupted: undefined, ...policy } }), memoryWorld({ store: w.store, runner }));
    expect(await resume({})).toBe(3);
    expect(await resume({ confirmIrreversible: ["promote"] })).toBe(0);
    expect(ran(runner)).toEqual(["fence", "promote", "repoint"]);
    expect(events(w).filter((e) => e.type === "answer" && e.target === "promote").map((e) => e.type === "answer" && `${e.answer} by ${e.by}`)).toEqual(["abort by --yes", "abort by --yes", "yes by --confirm-irreversible promote"]);
  });

  it("--confirm-irreversible naming a step that is not irreversible is a usage error listing the ones that are", async () => {
    const w = memoryWorld({ runner: scriptedRunner(() => ({})) });
    const e = await startRun(startRequest(FAILOVER, { interactive: false, policy: { yes: true, onFailure: "abort", interrupted: undefined, confirmIrreversible: ["promtoe"] } }), w).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).message).toBe("--confirm-irreversible: no step `promtoe` (did you mean `promote`?)");
    expect((e as UsageError).hint).toBe("Irreversible steps of this runbook: promote");
    expect(w.store.runs.size).toBe(0);
  });

  it("with a person at the terminal, --yes still asks them to type the irreversible step's id", async () => {
    const op = scripted(["yes"]);
    const w = memoryWorld({ runner: scriptedRunner(() => ({})), operator: op });
    expect(await startRun(startRequest(FAILOVER, { policy: { yes: true, onFailure: "ask", interrupted: undefined } }), w)).toBe(0);
    expect(op.asked).toEqual(["confirm promote"]);
  });

  it("an irreversible step without `confirm` is still confirmed", async () => {
    const rb = preparedFrom(`## Steps\n### Promote {#promote}\n${block('sh irreversible="no way back"', "promote")}`);
    const runner = scriptedRunner(() => ({}));
    const w = memoryWorld({ runner });
    expect(await startRun(startRequest(rb, { interactive: false, policy: { yes: true, onFailure: "abort", interrupted: undefined } }), w)).toBe(3);
    expect(ran(runner)).toEqual([]);
  });

  it("manual steps --yes answered are assumed done (--yes), never done; --record says which and how to record by hand", async () => {
    const rb = preparedFrom(`## Steps\n### Call the DBA {#call}\nPhone them.\n### Check {#check}\n${block("sh", "check")}`);
    const w = memoryWorld({ runner: scriptedRunner(() => ({})) });
    expect(await startRun(startRequest(rb, { interactive: false, record: true, policy: { yes: true, onFailure: "abort", interrupted: undefined } }), w)).toBe(0);
    const es = events(w);
    expect(es.find((e) => e.type === "step_finished" && e.target === "call")).toMatchObject({ status: "assumed", by: "flag" });
    const skipped = es.find((e) => e.type === "verification_skipped");
    expect(skipped?.type === "verification_skipped" && skipped.reason).toBe("nobody did the manual step call (--yes assumed it done); once it has been checked by hand, `runbook verify <file>` records the verification");
    expect(drillShortfall(reduce(es))).toContain("call");
  });
});

describe("--from / --only never fail half way for a value a skipped step would have captured", () => {
  const CAPTURE = preparedFrom(
    `## Steps\n### Find the leader {#find}\n${block("sh capture=LEADER", "find")}### Fence {#fence}\n${block("sh", "fence")}### Promote {#promote}\nReads $LEADER.\n${block("sh", 'promote "$LEADER"')}`,
  );
  const policy = { yes: true, onFailure: "abort" as const, interrupted: undefined };

  it("refused before anything runs (exit 2), naming the variable, the step that captures it and the flag", async () => {
    const runner = scriptedRunner(() => ({}));
    const w = memoryWorld({ runner });
    const e = await startRun(startRequest(CAPTURE, { interactive: false, policy, only: ["promote"] }), w).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).message).toBe("a value that skipped steps would have captured must be given: `LEADER` (captured by find, which this run skips; read by promote)");
    expect((e as UsageError).hint).toContain("-p LEADER=…");
    expect(runner.ran).toEqual([]);
    expect(w.store.runs.size).toBe(0);
  });

  it("-p LEADER=… gives it: the step runs with the value, and the journal keeps it; a run that captures it itself needs nothing", async () => {
    const runner = scriptedRunner(() => ({}));
    const w = memoryWorld({ runner });
    expect(await startRun(startRequest(CAPTURE, { interactive: false, policy, from: "fence", given: { LEADER: "db-2" } }), w)).toBe(0);
    expect(runner.ran.find((r) => r.target === "promote")?.env.LEADER).toBe("db-2");
    expect(events(w)[0]).toMatchObject({ captures: [{ name: "LEADER", value: "db-2", secret: false }] });
    const all = memoryWorld({ runner: scriptedRunner(() => ({ output: "db-3\n" })) });
    expect(await startRun(startRequest(CAPTURE, { interactive: false, policy, only: ["find", "promote"] }), all)).toBe(0);
  });

  it("a terminal asks for it before anything runs", async () => {
    const asked: string[] = [];
    const runner = scriptedRunner(() => ({}));
    const w = memoryWorld({ runner, askParam: () => async (q) => (asked.push(`${q.name}: ${q.description ?? ""}`), "db-9") });
    expect(await startRun(startRequest(CAPTURE, { policy, only: ["promote"] }), w)).toBe(0);
    expect(asked).toEqual(["LEADER: captured by step find, which this run skips; promote reads it"]);
    expect(runner.ran.find((r) => r.target === "promote")?.env.LEADER).toBe("db-9");
  });
});
