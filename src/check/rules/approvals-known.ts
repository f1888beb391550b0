import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";
import { nearestOrChoices } from "../../model/suggest.js";

const body = "## Steps\n### Promote {#promote}\n```sh irreversible\necho \"$TARGET_ENV\"\n```\n";
const params = "params:\n  TARGET_ENV: {enum: [staging, production]}\n";

export default defineRule({
  id: "approvals-known",
  description: "`approvals.when` names declared, non-secret params with values they can take, and `approvals.steps` names steps of this runbook: an approval rule that can never match guards nothing.",
  severity: "error",
  examples: {
    good: [runbookExample(body, `${params}approvals: {required: 1, when: {TARGET_ENV: production}, steps: [promote]}\n`)],
    bad: [
      runbookExample(body, `${params}approvals: {when: {TARGET_ENV: prod}}\n`),
      runbookExample(body, `${params}approvals: {when: {TARGET: production}}\n`),
      runbookExample(body, `${params}approvals: {steps: [promte]}\n`),
    ],
  },
  check({ runbook, report }) {
    const approvals = runbook.known.approvals;
    if (!approvals) return;
    const declared = runbook.known.params ?? {};
    const names = Object.keys(declared);
    const here = (path: readonly (string | number)[]) => runbook.frontmatter?.locate(["approvals", ...path]) ?? { line: 1, column: 1, offset: 0 };
    for (const [name, wanted] of Object.entries(approvals.when ?? {})) {
      const param = Object.hasOwn(declared, name) ? declared[name] : undefined;
      if (!param) {
        if (!report(`Unknown param \`${name}\` in approvals.when${nearestOrChoices(name, names)}`, here(["when", name]))) return;
        continue;
      }
      if (param.secret) {
        if (!report(`Param \`${name}\` is secret: a plan records secrets by name only, so approval cannot depend on its value`, here(["when", name]))) return;
        continue;
      }
      const choices = param.enum;
      for (const value of Array.isArray(wanted) ? wanted : [wanted]) {
        if (choices && !choices.includes(value) && !report(`\`${value}\` is not a value \`${name}\` can take${nearestOrChoices(value, choices)}`, here(["when", name]))) return;
      }
    }
    const ids = runbook.steps.map((s) => s.id);
    approvals.steps?.forEach((id, i) => {
      if (!ids.includes(id)) report(`Unknown step \`${id}\` in approvals.steps${nearestOrChoices(id, ids)}`, here(["steps", i]));
    });
  },
});
