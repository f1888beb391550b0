import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";

export default defineRule({
  id: "requires-installed",
  description: "Each command in `requires` is on this machine's PATH (a warning: CI may not have the tools an operator has).",
  severity: "warning",
  affectsPlan: false,
  examples: {
    good: [runbookExample("## Steps\n### A\n```sh\nbash --version\n```\n", "requires: [bash]\n")],
    bad: [runbookExample("## Steps\n### A\n```sh\nnot-a-real-tool-xyz\n```\n", "requires: [not-a-real-tool-xyz]\n")],
  },
  check({ runbook, commandExists, report }) {
    runbook.known.requires?.forEach((name, i) => {
      if (!commandExists(name)) report(`Required command \`${name}\` is not on PATH`, runbook.frontmatter?.locate(["requires", i]) ?? { line: 1, column: 1, offset: 0 });
    });
  },
});
