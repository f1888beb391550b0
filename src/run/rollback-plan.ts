import type { Plan, PlanBlock, PlanStep } from "./plan.js";
import type { RollbackBarrier, RollbackItem } from "./ask.js";
import type { RunState, StepState } from "./state.js";
import { outcome } from "../journal/outcome.js";

/**
 * What a rollback undoes, in order, and where it must stop. Pure.
 *
 * Every step whose blocks ran is undone, the most recently touched first (so the failed step comes
 * first, then completed steps in reverse), then the runbook's `## Rollback` blocks. A step assumed
 * done (`--from`, `--only`) never ran and is left alone; a step skipped after it failed is undone
 * unless its own rollback already ran cleanly when it was skipped.
 *
 * An irreversible step that took effect is a barrier: nothing done before it is undone (undoing the
 * fence before a promotion is the split brain a failover exists to prevent), and neither are the
 * `## Rollback` blocks, which undo the run as a whole. Only a person naming the step goes past it
 * (`state.barriersPassed`); each barrier is passed on its own.
 */
export interface RollbackScope {
  /** What will be undone, in order. */
  readonly targets: string[];
  /** The irreversible step the rollback stops at, if any. */
  readonly barrier: { readonly target: string; readonly reason: string } | undefined;
  /** What the barrier leaves as it is, newest first. */
  readonly beyond: string[];
}

export function rollbackScope(state: RunState, plan: Plan): RollbackScope {
  const targets: string[] = [];
  const beyond: string[] = [];
  let barrier: RollbackScope["barrier"];
  for (const id of [...state.touched].reverse()) {
    const s = state.steps.get(id);
    // Dealt with by an earlier rollback of this run (one that stopped at a barrier).
    if (!s || s.rollback) continue;
    if (barrier) {
      if (undoable(s)) beyond.push(id);
      continue;
    }
    const reason = barrierReason(s, plan.steps.find((p) => p.id === id));
    if (reason !== undefined && !state.barriersPassed.has(id)) {
      barrier = { target: id, reason };
      continue;
    }
    if (undoable(s)) targets.push(id);
  }
  const runbookLevel = plan.rollback.map((b) => b.target).filter((t) => !state.rollback?.results.has(t));
  (barrier ? beyond : targets).push(...runbookLevel);
  return { targets, barrier, beyond };
}

/** Whether a step that ran is something a rollback should deal with (undo, or say why it cannot). */
function undoable(s: StepState): boolean {
  // Assumed done by the operator: never ran here. Assumed by a flag (a manual step --yes answered): maybe done, say so.
  if (s.status === "assumed") return s.by === "flag";
  if (s.status === "skipped") return (s.skippedAfterFailure && s.undone !== "rolled_back") || s.by === "resume";
  return true;
}

/**
 * Why a step stops a rollback, or undefined when it does not: it is irreversible and took effect
 * (done, assumed done), or may have (its command was cut short, timed out or killed: outcome unknown).
 */
export function barrierReason(s: StepState, step: PlanStep | undefined): string | undefined {
  if (step?.irreversible === undefined) return undefined;
  if (s.status === "done" || s.status === "assumed") return step.irreversible;
  const a = s.attempt;
  if (s.status === "pending" || !a || a.phase !== "command") return undefined;
  // Stopped from outside (cut short, timed out, killed): it may have done its work. An exit code is its own answer.
  const how = a.result === undefined ? "interrupted" : outcome(a.result).kind;
  const unknown = s.status === "interrupted" || how === "interrupted" || how === "timeout" || how === "signal";
  return unknown ? `${step.irreversible} (its command was cut short: it may have taken effect)` : undefined;
}

/** The question's view of a scope: the preview lines, and the barrier with what it leaves as it is. */
export function rollbackQuestion(scope: RollbackScope, plan: Plan): { items: RollbackItem[]; barrier: RollbackBarrier | undefined } {
  const items = rollbackItems(scope.targets, plan);
  if (!scope.barrier) return { items, barrier: undefined };
  const step = plan.steps.find((s) => s.id === scope.barrier?.target);
  return { items, barrier: { target: scope.barrier.target, title: step?.title ?? scope.barrier.target, reason: scope.barrier.reason, beyond: rollbackItems(scope.beyond, plan) } };
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

/** What a rollback that stopped at a barrier says it left as it is. */
export function notUndoneNote(barrier: { readonly target: string; readonly reason: string }, beyond: readonly string[]): string {
  const left = beyond.length ? `; not undone: ${beyond.map((t) => (t.startsWith("@rollback/") ? `## Rollback block ${t.slice("@rollback/".length)}` : t)).join(", ")}` : "";
  return `${barrier.target} is irreversible (${barrier.reason})${left}`;
}
