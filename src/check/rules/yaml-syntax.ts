import { problemRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";

export default problemRule({
  id: "yaml-syntax",
  description: "The frontmatter is well-formed YAML (no tabs for indentation, no duplicate keys, closed quotes).",
  severity: "error",
  examples: {
    good: [runbookExample("## Steps\n", "tags: [db]\n")],
    bad: [runbookExample("## Steps\n", "tags: [db\n"), runbookExample("## Steps\n", "owner: again\n")],
  },
});
