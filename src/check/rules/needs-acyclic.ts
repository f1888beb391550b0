import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";

export default defineRule({
  id: "needs-acyclic",
  description: "Steps' `needs=` do not form a cycle; the message names the cycle.",
  severity: "error",
  examples: {
    good: [runbookExample("## Steps\n### A {#a}\n```sh\ntrue\n```\n### B {#b}\n```sh needs=a\ntrue\n```\n")],
    bad: [runbookExample("## Steps\n### A {#a}\n```sh needs=b\ntrue\n```\n### B {#b}\n```sh needs=a\ntrue\n```\n")],
  },
  check({ graph, report }) {
    for (const cycle of graph.cycles) {
      const first = cycle[0];
      if (!first) continue;
      const names = [...cycle, first].map((s) => s.id).join(" → ");
      report(
        `Steps form a cycle: ${names}`,
        first.command?.attributeSpans.get("needs") ?? first.span,
        cycle.slice(1).map((s) => ({ message: `\`${s.id}\` is in the cycle`, line: s.span.start.line, column: s.span.start.column })),
      );
    }
  },
});
