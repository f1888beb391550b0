import type { StepGraph } from "./step-graph.js";
import type { Runbook, Step } from "./types.js";

/** Serialisable view of a runbook's plan, for `runbook graph --format json` and tools. */
export function graphJson(runbook: Runbook, graph: StepGraph) {
  return {
    id: runbook.meta?.id ?? null,
    title: runbook.title ?? null,
    file: runbook.file,
    order: graph.order.map((s) => s.id),
    steps: runbook.steps.map((s) => ({
      id: s.id,
      title: s.title,
      line: s.span.start.line,
      needs: graph.needs.get(s.id) ?? [],
      manual: s.manual,
      confirm: s.confirm,
      irreversible: s.irreversible ?? null,
      rollback: s.rollback !== undefined,
      verify: s.verify !== undefined,
      capture: s.capture ?? null,
    })),
    cycles: graph.cycles.map((c) => c.map((s) => s.id)),
  };
}

const mermaidText = (s: string) => s.replace(/"/g, "#quot;").replace(/[<>]/g, (c) => (c === "<" ? "#lt;" : "#gt;"));

function label(s: Step): string {
  const marks = [s.manual ? "manual" : "", s.confirm ? "confirm" : "", s.irreversible !== undefined ? "irreversible" : "", s.rollback ? "↩ rollback" : ""].filter(Boolean);
  return marks.length ? `${s.title}\n(${marks.join(", ")})` : s.title;
}

/** Mermaid flowchart: renders in GitHub Markdown. Manual steps are parallelograms, irreversible ones hexagons. */
export function graphMermaid(runbook: Runbook, graph: StepGraph): string {
  const key = new Map(runbook.steps.map((s, i) => [s.id, `s${i}`]));
  const lines = ["flowchart TD"];
  for (const s of runbook.steps) {
    if (key.get(s.id) !== `s${s.index}`) continue;
    const text = `"${mermaidText(label(s)).replace(/\n/g, "<br/>")}"`;
    const shape = s.manual ? `[/${text}/]` : s.irreversible !== undefined ? `{{${text}}}` : `[${text}]`;
    lines.push(`  s${s.index}${shape}`);
  }
  for (const s of runbook.steps) for (const n of graph.needs.get(s.id) ?? []) lines.push(`  ${key.get(n)} --> ${key.get(s.id)}`);
  return `${lines.join("\n")}\n`;
}

const dotText = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

/** Graphviz DOT. */
export function graphDot(runbook: Runbook, graph: StepGraph): string {
  const lines = [`digraph ${dotText(runbook.meta?.id ?? runbook.file)} {`, "  rankdir=TB;", "  node [shape=box];"];
  for (const s of runbook.steps) {
    const shape = s.manual ? "parallelogram" : s.irreversible !== undefined ? "hexagon" : "box";
    lines.push(`  ${dotText(s.id)} [label=${dotText(label(s))}, shape=${shape}];`);
  }
  for (const s of runbook.steps) for (const n of graph.needs.get(s.id) ?? []) lines.push(`  ${dotText(n)} -> ${dotText(s.id)};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
