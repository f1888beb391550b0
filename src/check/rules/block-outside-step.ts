import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";

export default defineRule({
  id: "block-outside-step",
  description: "`rollback` and `verify` blocks sit inside a step; a shell block directly under `## Steps` (before any `###`) would never run.",
  severity: "error",
  examples: {
    good: [runbookExample("## Steps\n### Restart\n```sh\ntrue\n```\n```sh rollback\ntrue\n```\n")],
    bad: [
      runbookExample("## Notes\n```sh rollback\ntrue\n```\n## Steps\n### A\nx\n"),
      runbookExample("## Steps\n```sh\ntrue\n```\n### A\nx\n"),
    ],
  },
  check({ runbook, report }) {
    for (const b of runbook.shellBlocks) {
      if (b.stepId !== undefined) continue;
      if (b.role === "rollback" && b.section !== "rollback") report("`rollback` block outside a step: move it under the step it undoes, or into `## Rollback`", b.attributeSpans.get("rollback") ?? b.span);
      else if (b.role === "verify") report("`verify` block outside a step: move it under the step whose result it checks", b.attributeSpans.get("verify") ?? b.span);
      else if (b.section === "steps") report("Shell block under `## Steps` is not inside a step: it will not run; put it under a `###` step heading", b.span);
    }
  },
});
