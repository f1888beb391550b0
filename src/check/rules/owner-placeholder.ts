import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";

/** What `runbook import` writes when it cannot tell who owns a runbook. */
export const OWNER_PLACEHOLDER = "TODO: owning team";

export default defineRule({
  id: "owner-placeholder",
  description: "`owner` names a team or person, not a placeholder such as `TODO` (which `runbook import` writes when no CODEOWNERS entry says who owns the file).",
  severity: "error",
  affectsPlan: false,
  examples: {
    good: [runbookExample("## Steps\n### A\n```sh\ntrue\n```\n")],
    bad: [runbookExample("## Steps\n### A\n```sh\ntrue\n```\n").replace("owner: team-example", `owner: "${OWNER_PLACEHOLDER}"`)],
  },
  check({ runbook, report }) {
    const owner = runbook.known.owner;
    if (owner !== undefined && /^\s*(todo|tbd|fixme|xxx)\b/i.test(owner)) {
      report(`Owner is a placeholder (\`${owner}\`): name the team or person to escalate to`, runbook.frontmatter?.locate(["owner"]) ?? { line: 1, column: 1, offset: 0 });
    }
  },
});
