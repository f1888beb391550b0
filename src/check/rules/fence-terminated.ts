import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";

export default defineRule({
  id: "fence-terminated",
  description: "Every code fence is closed by a matching fence; an unclosed one swallows the rest of the file.",
  severity: "error",
  examples: {
    good: [runbookExample("## Steps\n### A\n```sh\ntrue\n```\n")],
    bad: [runbookExample("## Steps\n### A\n```sh\ntrue\n\n### B\nnever seen as a step\n"), runbookExample("## Steps\n### A\n````sh\ntrue\n```\n")],
  },
  check({ runbook, report }) {
    for (const b of runbook.blocks) {
      if (!b.unterminated) continue;
      const end = b.span.end;
      report(`Code fence opened here is never closed: it runs to line ${end.line}${end.offset >= runbook.text.length ? " (end of file)" : ""}; close it with a matching fence`, b.span.start);
    }
  },
});
