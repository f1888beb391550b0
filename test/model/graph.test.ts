import { describe, expect, it } from "vitest";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { buildStepGraph } from "../../src/model/step-graph.js";

function runbookWith(steps: Array<[id: string, needs?: string]>): string {
  const body = steps.map(([id, needs]) => `### ${id} {#${id}}\n\`\`\`sh${needs === undefined ? "" : ` needs=${needs}`}\ntrue\n\`\`\`\n`).join("");
  return `---\nid: g\nowner: o\n---\n## Steps\n${body}`;
}
const order = (steps: Array<[string, string?]>) => buildStepGraph(buildRunbook("g.md", runbookWith(steps))).order.map((s) => s.id);

describe("buildStepGraph", () => {
  it("defaults to document order, each step needing the previous one", () => {
    expect(order([["a"], ["b"], ["c"]])).toEqual(["a", "b", "c"]);
  });

  it("runs a step after what it needs, even when written earlier", () => {
    expect(order([["deploy", "build"], ["build", ""], ["test", "deploy"]])).toEqual(["build", "deploy", "test"]);
  });

  it("keeps document order between independent steps", () => {
    expect(order([["z", ""], ["y", ""], ["x", "z,y"], ["w", ""]])).toEqual(["z", "y", "x", "w"]);
  });

  it("reports cycles and leaves their steps out of the order", () => {
    const g = buildStepGraph(buildRunbook("g.md", runbookWith([["a", "b"], ["b", "a"], ["c", ""]])));
    expect(g.order.map((s) => s.id)).toEqual(["c"]);
    expect(g.cycles.map((c) => c.map((s) => s.id))).toEqual([["a", "b"]]);
  });

  it("reports unknown needs and ignores them for ordering", () => {
    const g = buildStepGraph(buildRunbook("g.md", runbookWith([["a"], ["b", "nope,a"]])));
    expect(g.unknownNeeds.map((u) => [u.step.id, u.need])).toEqual([["b", "nope"]]);
    expect(g.order.map((s) => s.id)).toEqual(["a", "b"]);
  });

  it("handles a long chain without deep recursion", () => {
    // Built from one parsed step: 5,000 steps is over the parser's limit on headings and fences.
    const template = buildRunbook("g.md", runbookWith([["s0"]])).steps[0]!;
    const steps = Array.from({ length: 5000 }, (_, i) => ({ ...template, id: `s${i}`, index: i, needs: [i === 0 ? "s4999" : `s${i - 1}`] }));
    const g = buildStepGraph({ steps });
    expect(g.cycles).toHaveLength(1);
    expect(g.cycles[0]).toHaveLength(5000);
  });
});
