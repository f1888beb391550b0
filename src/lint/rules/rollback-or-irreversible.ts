import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";

export default defineRule({
  id: "rollback-or-irreversible",
  description: "A state-changing step (one with `confirm`) has a `rollback` block, or says why it cannot be undone with `irreversible=\"reason\"`.",
  severity: "error",
  examples: {
    good: [
      runbookExample("## Steps\n### Fence\n```sh confirm\nfence\n```\n```sh rollback\nunfence\n```\n"),
      runbookExample("## Steps\n### Promote\n```sh confirm irreversible=\"a promoted standby cannot be demoted\"\npromote\n```\n"),
    ],
    bad: [runbookExample("## Steps\n### Drop the table\n```sh confirm\npsql -c 'drop table t'\n```\n")],
  },
  check({ runbook, report }) {
    for (const s of runbook.steps) {
      // `irreversible` written without a reason is fence-attributes' finding, with the fix: not this one too.
      const triedIrreversible = s.command?.attributeSpans.has("irreversible") === true;
      if (s.confirm && !s.rollback && s.irreversible === undefined && !triedIrreversible) {
        report(`Step \`${s.id}\` changes state (\`confirm\`) but has neither a \`rollback\` block nor \`irreversible="reason"\``, s.command?.attributeSpans.get("confirm") ?? s.span);
      }
    }
  },
});
