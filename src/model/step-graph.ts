import type { Runbook, Step } from "./types.js";

/** A `needs=` entry that names no step. */
export interface UnknownNeed {
  readonly step: Step;
  readonly need: string;
}

/** The steps as a dependency graph. Independent steps keep their document order. */
export interface StepGraph {
  /** Topological order; steps caught in a cycle are left out. */
  readonly order: readonly Step[];
  /** Each step's dependencies, by id, after defaults and with unknown ids removed. */
  readonly needs: ReadonlyMap<string, readonly string[]>;
  readonly unknownNeeds: readonly UnknownNeed[];
  /** Each cycle as its steps in order; the first step is repeated implicitly at the end. */
  readonly cycles: readonly (readonly Step[])[];
}

/** Builds the step graph: explicit `needs=`, else the previous step. Pure. */
export function buildStepGraph(runbook: Pick<Runbook, "steps">): StepGraph {
  const steps = runbook.steps;
  const byId = new Map<string, Step>();
  for (const s of steps) if (!byId.has(s.id)) byId.set(s.id, s);
  const needs = new Map<string, string[]>();
  const unknownNeeds: UnknownNeed[] = [];
  steps.forEach((s, i) => {
    if (needs.has(s.id)) return; // duplicate ids are a lint error; the first one wins
    const prev = steps[i - 1];
    const wanted = s.needs ?? (prev ? [prev.id] : []);
    // A Set: `needs=` may list thousands of ids, and a list's `includes` made that quadratic.
    const known = new Set<string>();
    for (const n of wanted) {
      if (byId.has(n)) known.add(n);
      else unknownNeeds.push({ step: s, need: n });
    }
    needs.set(s.id, [...known]);
  });

  const unique = [...byId.values()];
  const order = topologicalOrder(unique, needs);
  const placed = new Set(order.map((s) => s.id));
  const cycles = findCycles(unique.filter((s) => !placed.has(s.id)), needs, byId);
  return { order, needs, unknownNeeds, cycles };
}

/** Kahn's algorithm, always taking the ready step that comes first in the document. */
function topologicalOrder(steps: readonly Step[], needs: ReadonlyMap<string, readonly string[]>): Step[] {
  const indegree = new Map<string, number>();
  const dependents = new Map<string, Step[]>();
  for (const s of steps) {
    const deps = needs.get(s.id) ?? [];
    indegree.set(s.id, deps.length);
    for (const d of deps) {
      const list = dependents.get(d);
      if (list) list.push(s);
      else dependents.set(d, [s]);
    }
  }
  const ready = new MinHeap<Step>((a, b) => a.index - b.index);
  for (const s of steps) if (indegree.get(s.id) === 0) ready.push(s);
  const order: Step[] = [];
  for (let s = ready.pop(); s; s = ready.pop()) {
    order.push(s);
    for (const d of dependents.get(s.id) ?? []) {
      const left = (indegree.get(d.id) ?? 0) - 1;
      indegree.set(d.id, left);
      if (left === 0) ready.push(d);
    }
  }
  return order;
}

/** Cycles among the steps Kahn could not place, found by a depth-first walk. */
function findCycles(stuck: readonly Step[], needs: ReadonlyMap<string, readonly string[]>, byId: ReadonlyMap<string, Step>): Step[][] {
  const stuckIds = new Set(stuck.map((s) => s.id));
  const stuckDeps = new Map(stuck.map((s) => [s.id, (needs.get(s.id) ?? []).filter((d) => stuckIds.has(d))]));
  const done = new Set<string>();
  const cycles: Step[][] = [];
  const seen = new Set<string>();
  for (const s of stuck) {
    if (done.has(s.id)) continue;
    // Iterative DFS with an explicit path, so a long chain cannot overflow the stack.
    const path: string[] = [];
    const onPath = new Map<string, number>();
    const stack: { id: string; next: number }[] = [{ id: s.id, next: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.next === 0) {
        onPath.set(top.id, path.length);
        path.push(top.id);
      }
      const deps = stuckDeps.get(top.id) ?? [];
      if (top.next < deps.length) {
        const d = deps[top.next++]!;
        if (onPath.has(d)) {
          // Name the cycle in `needs` direction, starting from the step written first.
          const found = path.slice(onPath.get(d));
          const first = found.reduce((best, id, i) => ((byId.get(id)?.index ?? 0) < (byId.get(found[best] ?? "")?.index ?? 0) ? i : best), 0);
          const cycle = [...found.slice(first), ...found.slice(0, first)];
          const key = [...cycle].sort().join(" ");
          if (!seen.has(key)) {
            seen.add(key);
            cycles.push(cycle.map((id) => byId.get(id)!));
          }
        } else if (!done.has(d)) stack.push({ id: d, next: 0 });
      } else {
        stack.pop();
        path.pop();
        onPath.delete(top.id);
        done.add(top.id);
      }
    }
  }
  return cycles;
}

class MinHeap<T> {
  readonly #items: T[] = [];
  constructor(readonly compare: (a: T, b: T) => number) {}
  push(x: T): void {
    const a = this.#items;
    a.push(x);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (this.compare(a[i]!, a[p]!) >= 0) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length && last !== undefined) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.compare(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.compare(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
