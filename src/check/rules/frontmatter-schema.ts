import { problemRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";

export default problemRule({
  id: "frontmatter-schema",
  description: "The frontmatter is a mapping that matches schemas/runbook.schema.json: `id` and `owner` present, no unknown keys, valid params.",
  severity: "error",
  examples: {
    good: [runbookExample("## Steps\n", "review_every: 90d\nparams:\n  REGION: {default: eu-west-1, pattern: '^[a-z0-9-]+$'}\n")],
    bad: [
      "# No frontmatter\n\n## Steps\n",
      "---\n- a\n- list\n---\n## Steps\n",
      "---\nid: Not Kebab\nowner: x\n---\n## Steps\n",
      runbookExample("## Steps\n", "ownr: typo\n"),
      runbookExample("## Steps\n", "params:\n  TOKEN: {secret: true, default: hunter22}\n"),
    ],
  },
});
