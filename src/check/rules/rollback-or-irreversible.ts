import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";

/** What `runbook import` writes on a step that changes state: the operator replaces it. */
export const IRREVERSIBLE_PLACEHOLDER = "TODO: write a rollback block, or say why this cannot be undone";

/** A reason that is not one yet: `TODO…`, `TBD`, `FIXME`, `XXX` (as owner-placeholder reads an owner). */
export function isPlaceholderReason(reason: string): boolean {
  return /^\s*(todo|tbd|fixme|xxx)\b/i.test(reason);
}

export default defineRule({
  id: "rollback-or-irreversible",
  description: "A state-changing step (one with `confirm`) has a `rollback` block, or says why it cannot be undone with `irreversible=\"reason\"`; a placeholder reason (`TODO…`, as `runbook import` writes) is not one.",
  severity: "error",
  examples: {
    good: [
      runbookExample("## Steps\n### Fence\n```sh confirm\nfence\n```\n```sh rollback\nunfence\n```\n"),
      runbookExample("## Steps\n### Promote\n```sh confirm irreversible=\"a promoted standby cannot be demoted\"\npromote\n```\n"),
    ],
    bad: [
      runbookExample("## Steps\n### Drop the table\n```sh confirm\npsql -c 'drop table t'\n```\n"),
      runbookExample(`## Steps\n### Switch the primary\n\`\`\`sh confirm irreversible="${IRREVERSIBLE_PLACEHOLDER}"\nswitch-primary\n\`\`\`\n`),
    ],
  },
  check({ runbook, report }) {
    for (const s of runbook.steps) {
      // `irreversible` written without a reason is fence-attributes' finding, with the fix: not this one too.
      const triedIrreversible = s.command?.attributeSpans.has("irreversible") === true;
      if (s.confirm && !s.rollback && s.irreversible === undefined && !triedIrreversible) {
        report(`Step \`${s.id}\` changes state (\`confirm\`) but has neither a \`rollback\` block nor \`irreversible="reason"\``, s.command?.attributeSpans.get("confirm") ?? s.span);
      } else if (s.irreversible !== undefined && isPlaceholderReason(s.irreversible)) {
        report(
          `Step \`${s.id}\`: \`irreversible="${s.irreversible}"\` is a placeholder: write a \`rollback\` block that undoes the command (\`\`\`sh rollback) and remove \`irreversible\`, or replace the placeholder with why it cannot be undone`,
          s.command?.attributeSpans.get("irreversible") ?? s.span,
        );
      }
    }
  },
});
