import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";
import type { Step } from "../../model/types.js";

export default defineRule({
  id: "step-id-unique",
  description: "No two steps share an id (explicit or derived from the heading).",
  severity: "error",
  examples: {
    good: [runbookExample("## Steps\n### Check\nA\n### Check again {#check-2}\nB\n")],
    bad: [runbookExample("## Steps\n### Check\nA\n### Check\nB\n")],
  },
  check({ runbook, report }) {
    const seen = new Map<string, Step>();
    for (const s of runbook.steps) {
      const first = seen.get(s.id);
      if (!first) seen.set(s.id, s);
      else report(`Duplicate step id \`${s.id}\`: first used on line ${first.span.start.line}; add an explicit \`{#id}\``, s.span, [{ message: "first use", line: first.span.start.line, column: first.span.start.column }]);
    }
  },
});
