import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { JournalEvent } from "../../src/journal/events.js";
import { startRun } from "../../src/run/session.js";
import { asTakenOver, reduce, type RunState } from "../../src/run/state.js";
import type { Locks } from "../../src/run/world.js";
import { block, memoryLocks, memoryWorld, preparedFrom, scriptedRunner, startRequest, type MemoryWorld } from "../helpers/memory-world.js";

// A shared run reserves plain steps ahead (run/reservations.ts) instead of waiting for each block's
// own start to reach the remote. The promise that must survive it: whoever takes the run over from
// another state folder, with whatever prefix of the journal the remote had, never finds a step that
// ran on the dead runner pending (which would run it again silently).

interface Gated {
  /** For each block, in order: how many events the remote had to hold before it started. */
  readonly needs: number[];
  /** What each gate call was asked to wait for. */
  readonly published: Array<boolean | number | undefined>;
}

/** The remote's latency in this simulation: a gate that waits for a push waits this long (on the world's clock). */
const LATENCY_MS = 100;

/**
 * A shared lock in memory: `mark()` is the journal's length in events; the remote has what the last
 * push carried, and a gate that needs more waits one push (LATENCY_MS on the world's clock). Records
 * what each gate had to wait for.
 */
function sharedLocks(world: () => MemoryWorld, gated: Gated): Locks {
  const base = memoryLocks();
  const length = () => [...world().store.runs.values()][0]?.length ?? 0;
  let remote = 0;
  return {
    ...base,
    acquire: (runbookId: string, me: { runId: string; user: string; startedAt: string }, force: boolean) => ({
      ...base.acquire(runbookId, me, force),
      mark: () => length(),
      gate: async (signal: AbortSignal, o?: { readonly published?: boolean | number }) => {
        gated.published.push(o?.published);
        const need = typeof o?.published === "number" ? o.published : o?.published ? length() : 0;
        gated.needs.push(need);
        if (remote < need) {
          await world().clock.sleep(LATENCY_MS, signal);
          remote = length();
        }
        return undefined;
      },
    }),
  };
}

type Kind = "plain" | "confirm" | "irreversible";

function runbookOf(kinds: readonly Kind[]): string {
  return `## Steps\n${kinds
    .map((k, i) => `### S${i} {#s${i}}\n${block(k === "confirm" ? "sh confirm" : k === "irreversible" ? `sh irreversible="cannot be undone"` : "sh", `s${i}`)}`)
    .join("")}`;
}

/** A shared run in memory whose blocks each take `stepMs` on the world's clock. */
async function sharedRun(kinds: readonly Kind[], stepMs = 20): Promise<{ events: JournalEvent[]; gated: Gated }> {
  const gated: Gated = { needs: [], published: [] };
  const runner = scriptedRunner((run) => {
    void w.clock.sleep(stepMs, run.signal);
    return {};
  });
  const w: MemoryWorld = memoryWorld({ runner, locks: sharedLocks(() => w, gated) as never });
  const rb = preparedFrom(runbookOf(kinds));
  const irreversible = kinds.flatMap((k, i) => (k === "irreversible" ? [`s${i}`] : []));
  expect(await startRun(startRequest(rb, { interactive: false, policy: { yes: true, onFailure: "abort", interrupted: undefined, confirmIrreversible: irreversible } }), w)).toBe(0);
  return { events: [...w.store.runs.values()][0]!, gated };
}

/** The events as a session in another state folder finds them: the remote's prefix, then its run_resumed. */
function takenOver(prefix: readonly JournalEvent[], folder = "otherfolder00000"): RunState {
  const last = prefix.at(-1)!;
  return reduce([...prefix, { v: 8, seq: last.seq + 1, ts: last.ts, type: "run_resumed", operator: "bob", host: "laptop-b", pid: 9, folder, forced: false, mode: "resume" }]);
}

describe("steps reserved ahead by a shared run", () => {
  it("journals a reservation before the blocks it covers; plain steps wait for it, a confirmed or irreversible one for its own start", async () => {
    const { events, gated } = await sharedRun(["plain", "plain", "plain", "confirm", "plain", "irreversible", "plain"]);
    const order = events.filter((e) => e.type === "reserved" || e.type === "attempt_started").map((e) => (e.type === "reserved" ? `reserve ${e.targets.join(",")}` : e.type === "attempt_started" ? e.target : ""));
    // The first block waits for its own start (nothing is measured yet); then steps of 20 ms against a
    // remote of 100 ms reserve what is ahead, up to a step that asks (s3) or is irreversible (s5).
    expect(order).toEqual(["s0", "reserve s1,s2", "s1", "s2", "s3", "reserve s4", "s4", "s5", "reserve s6", "s6"]);
    // s3 (confirm) and s5 (irreversible) wait until the remote has their own attempt_started.
    expect(gated.published.map((p) => (p === true ? "own" : "reserved"))).toEqual(["own", "reserved", "reserved", "own", "reserved", "own", "reserved"]);
    // A clean end clears what was reserved.
    expect(reduce(events).reservation).toBeUndefined();
  });

  it("slow steps (a second each, against a remote of 100 ms) reserve nothing ahead: each waits for its own start, and a crash leaves only the running step in doubt", async () => {
    const { events, gated } = await sharedRun(["plain", "plain", "plain", "plain"], 1000);
    expect(events.filter((e) => e.type === "reserved")).toEqual([]);
    expect(gated.published).toEqual([true, true, true, true]);
  });

  it("a session in another state folder asks about every reserved step with no start on record; one in the same folder does not", async () => {
    const { events } = await sharedRun(["plain", "plain", "plain", "plain"]);
    // The remote got up to s1's start (after the reservation of s1 to s3); the runner died after that.
    const cut = events.findIndex((e) => e.type === "attempt_started" && e.target === "s1") + 1;
    const prefix = events.slice(0, cut);
    const elsewhere = takenOver(prefix);
    expect([...elsewhere.steps.values()].map((s) => [s.id, s.status, s.unconfirmed ?? null])).toEqual([
      ["s0", "done", null],
      ["s1", "interrupted", null],
      ["s2", "interrupted", "alice@memory"],
      ["s3", "interrupted", "alice@memory"],
    ]);
    expect(asTakenOver(reduce(prefix), "otherfolder00000").steps.get("s2")?.status).toBe("interrupted");
    // What a rollback would consider: they may have changed something, as the step cut short may have.
    expect(elsewhere.touched).toEqual(["s0", "s1", "s2", "s3"]);
    // Where the run was written, its journal is whole: a reserved step with no start did not start.
    const here = takenOver(prefix, "memoryfolder0000");
    expect(here.steps.get("s2")?.status).toBe("pending");
    expect(asTakenOver(reduce(prefix), "memoryfolder0000").steps.get("s2")?.status).toBe("pending");
  });

  it("a runner that stopped cleanly (its interruption journaled and pushed) leaves nothing in doubt", async () => {
    const { events } = await sharedRun(["plain", "plain", "plain"]);
    const cut = events.findIndex((e) => e.type === "attempt_started" && e.target === "s1") + 1;
    const prefix = events.slice(0, cut);
    const last = prefix.at(-1)!;
    const stopped = [...prefix, { v: 8, seq: last.seq + 1, ts: last.ts, type: "run_interrupted", signal: "SIGINT", target: "s1" } as JournalEvent];
    const s = takenOver(stopped);
    expect(s.steps.get("s2")?.status).toBe("pending");
    expect(s.steps.get("s1")?.status).toBe("interrupted");
  });

  it("never: whatever prefix the remote has, a step that began on the dead runner is asked about or done, never pending", async () => {
    const kind = fc.constantFrom<Kind>("plain", "plain", "plain", "confirm", "irreversible");
    await fc.assert(
      fc.asyncProperty(fc.array(kind, { minLength: 1, maxLength: 12 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), async (kinds, crashAt, pushedAt) => {
        const { events, gated } = await sharedRun(kinds);
        // The runner dies after event k: every block whose attempt_started is before k may have run.
        const k = 1 + Math.floor(crashAt * (events.length - 1));
        const begun = events.slice(0, k).flatMap((e, i) => (e.type === "attempt_started" ? [{ target: e.target, index: i }] : []));
        // The remote holds at least what the gates waited for, for every block that began, and at most what was journaled.
        const least = Math.max(1, ...gated.needs.slice(0, begun.length));
        if (least > k) return; // cannot happen: a gate waits before its block
        const r = least + Math.floor(pushedAt * (k - least));
        const s = takenOver(events.slice(0, r));
        for (const b of begun) {
          const step = s.steps.get(b.target);
          expect(step, b.target).toBeDefined();
          expect(["done", "interrupted", "running"], `${b.target} in ${JSON.stringify(kinds)}, crash ${k}, pushed ${r}`).toContain(step!.status);
        }
      }),
      { numRuns: 300 },
    );
  });
});
