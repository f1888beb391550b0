import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";
import { blockPlaceholders, blockVariables, declaredFor } from "../param-usage.js";

export default defineRule({
  id: "param-used",
  description: "Every declared param is used as `$NAME` in some runnable block.",
  severity: "warning",
  affectsPlan: false,
  examples: {
    good: [runbookExample("## Steps\n### A\n```sh\necho \"$REGION\"\n```\n", "params:\n  REGION: {default: eu}\n")],
    bad: [runbookExample("## Steps\n### A\n```sh\necho hi\n```\n", "params:\n  REGION: {default: eu}\n")],
  },
  check({ runbook, report }) {
    const params = Object.keys(runbook.known.params ?? {});
    if (params.length === 0) return;
    const used = new Set(blockVariables(runbook).flatMap((b) => b.references.map((r) => r.name)));
    // `{{MAX_LAG}}` is no-template-placeholder's error, which says to write `"$MAX_LAG"`: not also "unused" here.
    for (const { placeholders } of blockPlaceholders(runbook)) for (const p of placeholders) used.add(declaredFor(p, params) ?? "");
    for (const p of params) {
      if (!used.has(p)) report(`Param \`${p}\` is declared but no runnable block uses \`$${p}\``, runbook.frontmatter?.locate(["params", p], "key") ?? { line: 1, column: 1, offset: 0 });
    }
  },
});
