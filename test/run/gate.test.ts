import { describe, expect, it } from "vitest";
import type { JournalEvent } from "../../src/journal/events.js";
import { RunRefusedError } from "../../src/core/errors.js";
import { startRun } from "../../src/run/session.js";
import { reduce } from "../../src/run/state.js";
import type { Locks } from "../../src/run/world.js";
import { block, memoryLocks, memoryWorld, preparedFrom, scriptedRunner, startRequest } from "../helpers/memory-world.js";

/** A lock whose gate is scripted: each call answers in turn (a note, nothing, or a refusal). */
function gatedLocks(answers: Array<string | undefined | Error>, seen: JournalEvent[][]): Locks & { calls: number } {
  const base = memoryLocks();
  const locks = {
    ...base,
    calls: 0,
    acquire: (runbookId: string, me: { runId: string; user: string; startedAt: string }, force: boolean) => ({
      ...base.acquire(runbookId, me, force),
      gate: () => {
        locks.calls++;
        seen.push([]);
        const a = answers.shift();
        return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
      },
    }),
  };
  return locks;
}

describe("the lease gate (a shared run's hook in the engine)", () => {
  it("is asked between each block's attempt_started and its start; a note it returns is journaled", async () => {
    const runner = scriptedRunner(() => ({}));
    const w = memoryWorld({ runner, locks: gatedLocks(["went on offline (--offline): test", undefined], []) as never });
    const rb = preparedFrom(`## Steps\n### A {#a}\n${block("sh", "a")}### B {#b}\n${block("sh", "b")}`);
    expect(await startRun(startRequest(rb), w)).toBe(0);
    const events = [...w.store.runs.values()][0]!;
    const types = events.map((e) => (e.type === "note" ? `note:${e.by}` : e.type));
    expect(types.slice(1, 4)).toEqual(["attempt_started", "note:runbook", "attempt_spawned"]);
    expect(reduce(events).notes).toMatchObject([{ by: "runbook", text: "went on offline (--offline): test" }]);
    // A note is not the run going on: the last event is still the run's own.
    expect(reduce(events).lastEvent.type).toBe("run_finished");
  });

  it("a refusal (the lease was lost) stops the run before the block starts: nothing runs", async () => {
    const runner = scriptedRunner(() => ({}));
    const lost = new RunRefusedError("lost the lock of mem on origin to run X");
    const w = memoryWorld({ runner, locks: gatedLocks([undefined, lost], []) as never });
    const rb = preparedFrom(`## Steps\n### A {#a}\n${block("sh", "a")}### B {#b}\n${block("sh", "b")}`);
    await expect(startRun(startRequest(rb), w)).rejects.toThrow(/lost the lock/);
    expect(runner.ran.map((r) => r.phase)).toEqual(["a"]);
  });
});
