import { describePlan, paramsShown, type DescribeOptions, type ParamShown } from "../report/describe-plan.js";
import { runsStep } from "../run/next.js";
import { resolveParams, type ResolvedParams } from "../run/param-values.js";
import type { Plan } from "../run/plan.js";
import type { Prepared } from "../run/prepare.js";
import { missingCapturesError, skippedCaptures, splitGiven } from "../run/skipped-captures.js";

/**
 * The params of a dry run, as `run --dry-run` works them out: values given for what skipped steps
 * would have captured are not params (docs/format.md, Partial runs); a secret is never shown. `approve`
 * asks the same, so the plan an approver reads is the plan `--dry-run` prints.
 */
export function dryRunParams(prepared: Prepared, given: Readonly<Record<string, string>>, o: { from: string | undefined; only: readonly string[] | undefined; interactive: boolean }): { r: ResolvedParams; shown: ParamShown[]; problems: string[] } {
  const { plan, runbook } = prepared;
  const declared = runbook.meta?.params ?? {};
  const secretParams = new Set(Object.entries(declared).filter(([, d]) => d.secret === true).map(([n]) => n));
  const skipped = skippedCaptures(plan, (id) => runsStep({ from: o.from, only: o.only }, plan, id), secretParams);
  const { params, captures } = splitGiven(given, skipped);
  const r = resolveParams(declared, params);
  const missing = o.interactive ? undefined : missingCapturesError(skipped, captures);
  const problems = [...r.problems.map((p) => p.message), ...(missing ? [`${missing.message}; ${missing.hint ?? ""}`] : [])];
  return { r, shown: paramsShown(declared, params, r), problems };
}

/** The dry run's text: the one renderer (report/describe-plan.ts), for `run --dry-run` and `approve`. */
export function dryRunText(plan: Plan, shown: readonly ParamShown[], o: DescribeOptions): string {
  return describePlan(plan, shown, o);
}
