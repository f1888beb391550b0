import { defineRule } from "../define-rule.js";

export default defineRule({
  id: "title-present",
  description: "A runbook has a title: `title:` in the frontmatter or a first `#` heading.",
  severity: "warning",
  affectsPlan: false,
  examples: {
    good: ["---\nid: a\nowner: b\n---\n# Restart the app\n## Steps\n### A\nx\n"],
    bad: ["---\nid: a\nowner: b\n---\n## Steps\n### A\nx\n"],
  },
  check({ runbook, report }) {
    if (runbook.title === undefined) report("Missing title: add a `# Title` heading or `title:` in the frontmatter", { line: 1, column: 1, offset: 0 });
  },
});
