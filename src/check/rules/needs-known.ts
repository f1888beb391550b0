import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";
import { nearestOrChoices } from "../../model/suggest.js";

export default defineRule({
  id: "needs-known",
  description: "Every id in `needs=` names a step of this runbook; the message names the nearest id, or lists them.",
  severity: "error",
  examples: {
    good: [runbookExample("## Steps\n### Backup {#backup}\n```sh\ntrue\n```\n### Restore\n```sh needs=backup\ntrue\n```\n")],
    bad: [runbookExample("## Steps\n### Backup {#backup}\n```sh\ntrue\n```\n### Restore\n```sh needs=bakup\ntrue\n```\n")],
  },
  check({ runbook, graph, report }) {
    const ids = runbook.steps.map((s) => s.id);
    for (const { step, need } of graph.unknownNeeds) {
      const others = ids.filter((id) => id !== step.id);
      if (!report(`Unknown step \`${need}\` in needs=${nearestOrChoices(need, others)}`, step.command?.attributeSpans.get("needs") ?? step.span)) break;
    }
  },
});
