import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";
import { didYouMean } from "../../schema/suggest.js";

export default defineRule({
  id: "needs-known",
  description: "Every id in `needs=` names a step of this runbook.",
  severity: "error",
  examples: {
    good: [runbookExample("## Steps\n### Backup {#backup}\n```sh\ntrue\n```\n### Restore\n```sh needs=backup\ntrue\n```\n")],
    bad: [runbookExample("## Steps\n### Backup {#backup}\n```sh\ntrue\n```\n### Restore\n```sh needs=bakup\ntrue\n```\n")],
  },
  check({ runbook, graph, report }) {
    const ids = runbook.steps.map((s) => s.id);
    for (const { step, need } of graph.unknownNeeds) {
      if (!report(`Unknown step \`${need}\` in needs=${didYouMean(need, ids)}`, step.command?.attributeSpans.get("needs") ?? step.span)) break;
    }
  },
});
