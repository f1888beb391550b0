import { UsageError } from "../core/errors.js";
import type { Plan } from "./plan.js";
import { didYouMean } from "../model/suggest.js";
import type { Policy } from "./ask.js";

/**
 * Checks that a flag that names irreversible steps (`--confirm-irreversible`, `--past`) names only
 * such steps of this runbook: a typo must never leave a run to stop, or go on, somewhere unexpected.
 */
export function irreversibleNamed(plan: Plan, names: readonly string[], flag: string): void {
  const irreversible = plan.steps.filter((s) => s.irreversible !== undefined).map((s) => s.id);
  for (const name of names) {
    if (irreversible.includes(name)) continue;
    const step = plan.steps.find((s) => s.id === name);
    const what = step ? `step \`${name}\` is not irreversible` : `no step \`${name}\`${didYouMean(name, plan.steps.map((s) => s.id))}`;
    throw new UsageError(`${flag}: ${what}`, { hint: irreversible.length ? `Irreversible steps of this runbook: ${irreversible.join(", ")}` : "This runbook has no irreversible step." });
  }
}

/**
 * The irreversible steps a run will stop before: `--yes` without a person at the terminal never takes
 * one that `--confirm-irreversible` does not name. Pure.
 */
export function stopsBeforeIrreversible(plan: Plan, runs: (id: string) => boolean, policy: Policy, interactive: boolean): string[] {
  if (!policy.yes || interactive) return [];
  return plan.steps.filter((s) => s.irreversible !== undefined && runs(s.id) && !policy.confirmIrreversible?.includes(s.id)).map((s) => s.id);
}
