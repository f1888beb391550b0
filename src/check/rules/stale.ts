import { defineRule, type Rule, type RuleContext } from "../define-rule.js";
import { runbookExample } from "../examples.js";
import { assessStaleness, type StaleKind } from "../staleness.js";

function staleRule(kind: StaleKind, meta: Omit<Rule, "check">): Rule {
  return defineRule({
    ...meta,
    // When a runbook was last verified says nothing about what it runs.
    affectsPlan: false,
    check(ctx: RuleContext) {
      const s = assessStaleness(ctx.runbook, { today: ctx.today, defaultReviewEvery: ctx.defaultReviewEvery, history: ctx.history });
      for (const f of s.findings) if (f.kind === kind) ctx.report(f.message, f.place);
    },
  });
}

export const staleNeverVerified = staleRule("never-verified", {
  id: "stale-never-verified",
  description: "The runbook has been verified at least once (`last_verified`, written by `runbook verify` or `runbook run --record`).",
  severity: "warning",
  examples: {
    good: [runbookExample("## Steps\n### A\nx\n", "last_verified: 2026-11-01\nreview_every: 100 years\n")],
    bad: [runbookExample("## Steps\n### A\nx\n")],
  },
});

export const staleOverdue = staleRule("overdue", {
  id: "stale-overdue",
  description: "The last verification is still fresh: `last_verified` + `review_every` (default 90d, or the config's) is not past. Set it to `error` in the config to fail CI on overdue runbooks.",
  severity: "warning",
  examples: {
    good: [runbookExample("## Steps\n### A\nx\n", "last_verified: 2026-11-01\nreview_every: 100 years\n")],
    bad: [runbookExample("## Steps\n### A\nx\n", "last_verified: 2020-01-01\nreview_every: 90d\n"), runbookExample("## Steps\n### A\nx\n", "last_reviewed_on: 2020-01-01\nreview_in: 6 months\n")],
  },
});

export const staleChanged = staleRule("changed", {
  id: "stale-changed",
  description: "The steps have not changed since the commit the runbook was verified at (`verified_commit`); a change to prose or frontmatter alone does not count. Needs git.",
  severity: "warning",
  examples: {
    good: [runbookExample("## Steps\n### A\nx\n", "last_verified: 2026-11-01\nreview_every: 100 years\n")],
    bad: [],
  },
});
