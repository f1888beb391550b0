import type { Plan, PlanBlock, PlanStep } from "../engine/plan.js";
import type { RollbackItem } from "./ask.js";
import type { RunState } from "./state.js";

/**
 * What a rollback undoes, in order: every step whose blocks ran, the most recently touched first (so
 * the failed step comes first, then completed steps in reverse), then the runbook's `## Rollback`
 * blocks. A step assumed done (`--from`, `--only`) never ran and is left alone; a step skipped after
 * it failed is undone unless its own rollback already ran cleanly when it was skipped. Pure.
 */
export function rollbackTargets(state: RunState, plan: Plan): string[] {
  const steps = [...state.touched].reverse().filter((id) => {
    const s = state.steps.get(id);
    if (!s || s.status === "assumed" || s.rollback) return false;
    if (s.status === "skipped") return (s.skippedAfterFailure && s.undone !== "rolled_back") || s.by === "resume";
    return true;
  });
  const runbookLevel = plan.rollback.map((b) => b.target).filter((t) => !state.rollback?.results.has(t));
  return [...steps, ...runbookLevel];
}

/** The preview of a rollback: one line per target, what will run or why nothing will. */
export function rollbackItems(targets: readonly string[], plan: Plan): RollbackItem[] {
  return targets.map((target) => {
    const step = plan.steps.find((s) => s.id === target);
    const block = rollbackBlock(plan, target);
    const label = step ? `${target}: ${step.title}` : target.startsWith("@rollback/") ? `runbook rollback ${target.slice("@rollback/".length)}` : target;
    if (block) return { target, label, action: firstLine(block.source), runs: true };
    return { target, label, action: `nothing runs (${whyNoRollback(step)})`, runs: false };
  });
}

function firstLine(source: string): string {
  const lines = source.split("\n").filter((l) => l.trim() !== "");
  const first = lines[0] ?? "";
  return lines.length > 1 ? `${first} … (${lines.length} lines)` : first;
}

export function rollbackBlock(plan: Plan, target: string): PlanBlock | undefined {
  return plan.steps.find((s) => s.id === target)?.rollback ?? plan.rollback.find((b) => b.target === target);
}

export function whyNoRollback(step: PlanStep | undefined): string {
  if (!step) return "no rollback block";
  if (step.irreversible !== undefined) return `irreversible: ${step.irreversible}`;
  if (step.manual) return "manual step: undo it by hand if needed";
  return "no rollback block";
}
