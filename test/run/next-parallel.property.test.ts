import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { JournalEvent, NewEvent } from "../../src/journal/events.js";
import { inFlight, next } from "../../src/run/next.js";
import type { Plan } from "../../src/run/plan.js";
import { apply, initialState, type RunState } from "../../src/run/state.js";
import { preparedFrom } from "../helpers/memory-world.js";

/** A step graph: step 0 needs nothing, each later one a non-empty set of earlier ones; some irreversible. */
const graph = fc.integer({ min: 1, max: 7 }).chain((n) =>
  fc.tuple(
    fc.tuple(...Array.from({ length: n }, (_, i) => (i === 0 ? fc.constant<number[]>([]) : fc.uniqueArray(fc.integer({ min: 0, max: i - 1 }), { minLength: 1, maxLength: i })))),
    fc.array(fc.boolean(), { minLength: n, maxLength: n }),
  ),
);

function planOf(needs: readonly number[][], irreversible: readonly boolean[], parallel: number): Plan {
  const body = needs
    .map((ns, i) => {
      const attrs = [ns.length ? `needs=${ns.map((j) => `s${j}`).join(",")}` : "", irreversible[i] ? 'irreversible="no way back"' : ""].filter(Boolean).join(" ");
      return `### S${i} {#s${i}}\nDo it.\n\`\`\`sh ${attrs}\ntrue\n\`\`\`\n\`\`\`sh rollback\ntrue\n\`\`\`\n`;
    })
    .join("");
  return preparedFrom(`## Steps\n${body}`, `parallel: ${parallel}\n`).plan;
}

/** A run driven by `next` alone, as the engine drives it, with blocks ending in the order `ends` picks. */
function simulate(plan: Plan, ends: readonly number[], failing: number | undefined, onFailure: "abort" | "rollback" = "abort") {
  let seq = 0;
  const ev = (e: Record<string, unknown>): JournalEvent => ({ v: 7, seq: ++seq, ts: new Date(Date.UTC(2026, 0, 1, 10, 0, 0, seq)).toISOString(), ...e }) as JournalEvent;
  const started = ev({ type: "run_started", runId: "r", runbook: { id: "mem", file: "/memory/rb.md", sha256: "0", title: null }, git: null, operator: "op", host: "h", pid: 1, params: {}, secrets: [], order: plan.steps.map((s) => s.id), options: { onFailure: "ask", yes: false, record: false } });
  let state: RunState = initialState(started as Extract<JournalEvent, { type: "run_started" }>);
  const push = (e: NewEvent | Record<string, unknown>) => (state = apply(state, ev(e as Record<string, unknown>)));
  const flying: string[] = [];
  const log: string[] = [];
  let most = 0;
  let failedAt: number | undefined;
  for (let turn = 0, k = 0; turn < 500; turn++) {
    const a = next(state, plan);
    if (a.kind === "end") return { state, log, most };
    if (a.kind === "record") for (const e of a.events) push(e);
    else if (a.kind === "ask") {
      if (a.question.kind === "failed") {
        // A failure is dealt with once nothing else is in flight.
        expect(flying).toEqual([]);
        push({ type: "answer", target: a.target, question: "failed", answer: onFailure, by: "op" });
      } else if (a.question.kind === "rollback") {
        expect(flying).toEqual([]);
        push({ type: "answer", target: a.target, question: "rollback", answer: "yes", by: "op" });
      } else {
            expect(a.question.kind).toBe("confirm");
        push({ type: "answer", target: a.target, question: "confirm", answer: "yes", by: "op" });
      }
    } else if (a.kind === "run" && a.block.phase === "rollback") {
      // The rollback goes one block at a time, once nothing is in flight.
      expect(flying).toEqual([]);
      push({ type: "attempt_started", target: a.block.target, phase: "rollback", attempt: a.attempt });
      push({ type: "attempt_finished", target: a.block.target, phase: "rollback", attempt: a.attempt, exitCode: 0, signal: null, timedOut: false, durationMs: 5, retryInMs: null });
      log.push(`undo ${a.block.target}`);
    } else if (a.kind === "run") {
      const ps = a.step!;
      // Never after a failure, never twice, only once every step it needs is done, at most N at once.
      expect(failedAt, `${ps.id} started after a step failed`).toBeUndefined();
      expect(flying).not.toContain(ps.id);
      for (const need of ps.needs) expect(state.steps.get(need)?.status, `${ps.id} before ${need}`).toBe("done");
      expect(flying.length).toBeLessThan(plan.parallel);
      // An irreversible step runs alone.
      if (ps.irreversible !== undefined) expect(flying).toEqual([]);
      expect(flying.some((id) => plan.steps.find((s) => s.id === id)?.irreversible !== undefined)).toBe(false);
      push({ type: "attempt_started", target: ps.id, phase: "command", attempt: a.attempt });
      flying.push(ps.id);
      log.push(`start ${ps.id}`);
      most = Math.max(most, flying.length);
    } else if (a.kind === "wait") {
      expect(flying.length).toBeGreaterThan(0);
      const [id] = flying.splice((ends[k++ % Math.max(1, ends.length)] ?? 0) % flying.length, 1);
      const fails = failing !== undefined && id === `s${failing}`;
      if (fails) failedAt = turn;
      push({ type: "attempt_finished", target: id, phase: "command", attempt: 1, exitCode: fails ? 1 : 0, signal: null, timedOut: false, durationMs: 5, retryInMs: null });
      log.push(`end ${id}`);
    } else throw new Error(`unexpected ${a.kind}`);
    // The fold and the simulation agree on what is in flight.
    expect([...state.steps.values()].filter(inFlight).map((s) => s.id).sort()).toEqual([...flying].sort());
  }
  throw new Error("the run did not end in 500 turns");
}

describe("next with parallel: N (pure scheduling)", () => {
  it("starts a step only once its needs are done, at most N at once, an irreversible one alone, each once; the run completes", () => {
    fc.assert(
      fc.property(graph, fc.integer({ min: 2, max: 4 }), fc.array(fc.nat(), { maxLength: 20 }), ([needs, irreversible], n, ends) => {
        const plan = planOf(needs, irreversible, n);
        const { state, log } = simulate(plan, ends, undefined);
        expect(state.ended?.status).toBe("completed");
        expect(log.filter((l) => l.startsWith("start")).sort()).toEqual(plan.steps.map((s) => `start ${s.id}`).sort());
      }),
      { numRuns: 300 },
    );
  });

  it("a failed step stops new starts: those in flight end, then the failure is asked about and nothing else starts", () => {
    fc.assert(
      fc.property(graph, fc.integer({ min: 2, max: 4 }), fc.array(fc.nat(), { maxLength: 20 }), fc.nat(), fc.constantFrom("abort" as const, "rollback" as const), ([needs, irreversible], n, ends, f, onFailure) => {
        const plan = planOf(needs, irreversible, n);
        const { state, log } = simulate(plan, ends, f % needs.length, onFailure);
        if (onFailure === "abort") expect(state.ended?.status).toBe("failed");
        else {
          expect(["rolled_back", "rolled_back_to"]).toContain(state.ended?.status);
          // Undone newest first: every step that started is undone (unless behind an irreversible barrier), after every start.
          const lastStart = log.map((l) => l.startsWith("start")).lastIndexOf(true);
          expect(log.findIndex((l) => l.startsWith("undo"))).toBeGreaterThan(lastStart);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("independent steps overlap up to N; parallel 1 (or a chain) runs them one at a time, in order", () => {
    const wide = [[], [0], [0], [0], [0]];
    expect(simulate(planOf(wide, wide.map(() => false), 3), [], undefined).most).toBe(3);
    expect(simulate(planOf(wide, wide.map(() => false), 2), [], undefined).most).toBe(2);
    const chain = [[], [0], [1], [2]];
    const r = simulate(planOf(chain, chain.map(() => false), 4), [], undefined);
    expect(r.most).toBe(1);
    expect(r.log).toEqual(["start s0", "end s0", "start s1", "end s1", "start s2", "end s2", "start s3", "end s3"]);
    // An irreversible step among independent ones waits for those in flight and runs alone.
    const r2 = simulate(planOf(wide, [false, false, true, false, false], 4), [], undefined);
    const at = r2.log.indexOf("start s2");
    expect(r2.log[at + 1]).toBe("end s2");
    const before = r2.log.slice(0, at);
    expect(before.filter((l) => l.startsWith("start")).length).toBe(before.filter((l) => l.startsWith("end")).length);
  });
});
