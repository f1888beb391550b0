import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";

export default defineRule({
  id: "step-single-command",
  description: "A step has at most one command block, one `rollback` block and one `verify` block; split longer work into steps.",
  severity: "error",
  examples: {
    good: [runbookExample("## Steps\n### Restart\n```sh\nsystemctl restart app\n```\n```sh verify\nsystemctl is-active app\n```\n")],
    bad: [runbookExample("## Steps\n### Restart\n```sh\nsystemctl stop app\n```\n```sh\nsystemctl start app\n```\n")],
  },
  check({ runbook, report }) {
    for (const s of runbook.steps) {
      const first = (b: { span: { start: { line: number; column: number } } } | undefined) =>
        b ? [{ message: "first block", line: b.span.start.line, column: b.span.start.column }] : [];
      for (const b of s.extraCommands) report(`Step \`${s.id}\` has a second command block: a step runs one command block; make this a step of its own or mark it \`rollback\` or \`verify\``, b.span, first(s.command));
      for (const b of s.extraRollbacks) report(`Step \`${s.id}\` has a second \`rollback\` block: merge them`, b.span, first(s.rollback));
      for (const b of s.extraVerifies) report(`Step \`${s.id}\` has a second \`verify\` block: merge them`, b.span, first(s.verify));
    }
  },
});
