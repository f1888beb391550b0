import { problemRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";

export default problemRule({
  id: "step-id",
  description: "Every step has a usable id: an explicit `{#id}` of letters, digits, `-`, `_`, `.`, or a heading that slugs to one.",
  severity: "error",
  examples: {
    good: [runbookExample("## Steps\n### Drain the node {#drain}\nDo it.\n")],
    bad: [runbookExample("## Steps\n### Drain {#no good}\nDo it.\n"), runbookExample("## Steps\n### 🚀\nDo it.\n")],
  },
});
