import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";

export default defineRule({
  id: "steps-section",
  description: "A runbook has a `## Steps` section with at least one `###` step.",
  severity: "error",
  examples: {
    good: [runbookExample("## Steps\n### Check\nLook at the dashboard.\n")],
    bad: [runbookExample("## Mitigation\nRestart it.\n"), runbookExample("## Steps\nJust restart it.\n")],
  },
  check({ runbook, report }) {
    if (!runbook.hasStepsSection) {
      report("Missing `## Steps` section: expected a `## Steps` heading with `###` steps under it", runbook.headings[0]?.span ?? { line: 1, column: 1, offset: 0 });
    } else if (runbook.steps.length === 0) {
      const h = runbook.headings.find((x) => x.depth === 2 && /^steps:?$/i.test(x.text));
      report("`## Steps` has no steps: expected `###` headings under it", h?.span ?? { line: 1, column: 1, offset: 0 });
    }
  },
});
