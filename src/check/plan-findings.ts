import type { Diagnostic } from "./diagnostic.js";
import type { RuleInfo } from "./findings-report.js";
import { RULE_INFO } from "./registry.js";

/** A runbook's errors, split by whether they make its step graph or its plan wrong. */
export interface PlanFindings {
  /** Errors that make the graph or the plan wrong: `graph` and `run --dry-run` refuse on them. */
  readonly blocking: readonly Diagnostic[];
  /** Errors about metadata only (an owner placeholder, staleness): shown there as warnings. */
  readonly metadata: readonly Diagnostic[];
}

/** Splits errors by their rule's `affectsPlan`; an unknown rule id blocks, to be safe. Pure. */
export function splitByPlan(errors: readonly Diagnostic[], rules: readonly RuleInfo[] = RULE_INFO): PlanFindings {
  const metadataRules = new Set(rules.filter((r) => r.affectsPlan === false).map((r) => r.id));
  return {
    blocking: errors.filter((d) => !metadataRules.has(d.ruleId)),
    metadata: errors.filter((d) => metadataRules.has(d.ruleId)),
  };
}
