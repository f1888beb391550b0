import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { JournalEvent } from "../../src/journal/events.js";
import { continueRun, startRun } from "../../src/run/session.js";
import { apply, initialState, reduce, stepList } from "../../src/run/state.js";
import { block, continueRequestFor, memoryWorld, preparedFrom, scriptedRunner, startRequest } from "../helpers/memory-world.js";

interface StepSpec {
  readonly kind: "command" | "manual";
  readonly confirm: boolean;
  readonly verify: boolean;
  readonly rollback: boolean;
  readonly capture: boolean;
  readonly retries: number;
  /** How many first tries of its command fail (never more than its retries: the run completes). */
  readonly failures: number;
}

const stepSpec: fc.Arbitrary<StepSpec> = fc
  .record({ kind: fc.constantFrom("command" as const, "manual" as const), confirm: fc.boolean(), verify: fc.boolean(), rollback: fc.boolean(), capture: fc.boolean(), retries: fc.integer({ min: 0, max: 2 }) })
  .chain((s) => fc.integer({ min: 0, max: s.retries }).map((failures) => ({ ...s, failures })));

function runbookOf(specs: readonly StepSpec[]) {
  const body = specs
    .map((s, i) => {
      const id = `s${i}`;
      const fences = s.kind === "manual" ? "" : block(`sh${s.confirm ? " confirm" : ""}${s.retries ? ` retries=${s.retries} backoff=1s` : ""}${s.capture ? ` capture=C${i}` : ""}`, `${id}:command`, "echo x");
      return `### Step ${i} {#${id}}\nDo it.\n${fences}${s.verify ? block("sh verify", `${id}:verify`) : ""}${s.rollback ? block("sh rollback", `${id}:rollback`) : ""}`;
    })
    .join("");
  return preparedFrom(`## Prerequisites\n${block("sh", "check")}## Steps\n${body}`);
}

/** How many times each `target:phase` ran: from the journal's attempt_started events. */
function counts(events: readonly JournalEvent[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of events) if (e.type === "attempt_started") m.set(`${e.target}:${e.phase}`, (m.get(`${e.target}:${e.phase}`) ?? 0) + 1);
  return m;
}

describe("crash at every point of a run (property, in memory)", () => {
  it("resuming from any prefix of a journal never runs a finished block again, and completes the run", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepSpec, { minLength: 1, maxLength: 5 }), async (specs) => {
        const rb = runbookOf(specs);
        const tries = new Map<string, number>();
        const runner = scriptedRunner((run) => {
          const phase = run.source.slice(1).split("\n")[0]!;
          const n = (tries.get(phase) ?? 0) + 1;
          tries.set(phase, n);
          const spec = specs[Number(/^s(\d+):command$/.exec(phase)?.[1] ?? -1)];
          return { exitCode: spec && n <= spec.failures ? 1 : 0, output: "value\n" };
        });
        const policy = { yes: true, onFailure: "abort" as const, interrupted: "rerun" as const };
        const w = memoryWorld({ runner });
        expect(await startRun(startRequest(rb, { interactive: false, policy }), w)).toBe(0);
        const runId = [...w.store.runs.keys()][0]!;
        const full = w.store.runs.get(runId)!;

        for (let k = 1; k <= full.length; k++) {
          const prefix = full.slice(0, k);
          const crashed = w.store.crashedAfter(runId, k);
          const again = scriptedRunner(() => ({ output: "value\n" }));
          const code = await continueRun(continueRequestFor(rb, runId, { interactive: false, policy, given: {} }), memoryWorld({ store: crashed, runner: again }));
          expect(code, `crash after event ${k}`).toBe(0);
          const after = crashed.runs.get(runId)!;
          const state = reduce(after);
          expect(state.status, `crash after event ${k}`).toBe("completed");
          // --yes answers manual steps: they end assumed done by the flag, never done (nobody did them).
          expect(stepList(state).every((s, i) => (specs[i]!.kind === "manual" ? s.status === "assumed" && s.by === "flag" : s.status === "done")), `crash after event ${k}`).toBe(true);
          // A block whose attempt finished successfully before the crash never runs again.
          const before = reduce(prefix);
          const ranAgain = counts(after.slice(k));
          for (const s of stepList(before)) {
            if (s.status === "done" || s.status === "assumed") {
              expect(ranAgain.get(`${s.id}:command`) ?? 0, `crash after ${k}: ${s.id} ran again`).toBe(0);
              expect(ranAgain.get(`${s.id}:verify`) ?? 0, `crash after ${k}: ${s.id} verified again`).toBe(0);
            }
          }
          // Sequence numbers run on without a gap.
          expect(after.map((e) => e.seq)).toEqual(after.map((_, i) => i + 1));
        }
      }),
      { numRuns: 60 },
    );
  });

  it("the fold is the same whether applied event by event or all at once, for every prefix", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepSpec, { minLength: 1, maxLength: 4 }), async (specs) => {
        const rb = runbookOf(specs);
        const w = memoryWorld({ runner: scriptedRunner(() => ({})) });
        await startRun(startRequest(rb, { interactive: false, policy: { yes: true, onFailure: "abort", interrupted: undefined } }), w);
        const all = [...w.store.runs.values()][0]!;
        let s = initialState(all[0] as Extract<JournalEvent, { type: "run_started" }>);
        for (let i = 1; i < all.length; i++) {
          s = apply(s, all[i]!);
          const r = reduce(all.slice(0, i + 1));
          expect(r.status).toBe(s.status);
          expect([...r.steps.values()]).toEqual([...s.steps.values()]);
          expect([...r.tails]).toEqual([...s.tails]);
        }
      }),
      { numRuns: 40 },
    );
  });
});
