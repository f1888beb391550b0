import type { Phase } from "../journal/events.js";
import type { PlanStep } from "./plan.js";
import type { AttemptResult } from "./state.js";

/** One line of a rollback preview: what undoing a target will do. */
export interface RollbackItem {
  readonly target: string;
  readonly label: string;
  /** The rollback block's first line, or why nothing will run. */
  readonly action: string;
  readonly runs: boolean;
}

/** The irreversible step a rollback stops at, and what stopping there leaves as it is. */
export interface RollbackBarrier {
  readonly target: string;
  readonly title: string;
  /** Why it is irreversible (and, when its command was cut short, that it may have taken effect). */
  readonly reason: string;
  /** What going past it would undo too, in order. */
  readonly beyond: readonly RollbackItem[];
}

/** What the engine asks the operator. Each question's answers are in `Answers`. */
export type Ask =
  /** `hosts`: a step on a group asks before each batch, naming the batch's hosts. */
  | { readonly kind: "confirm"; readonly step: PlanStep; readonly hosts?: readonly string[] | undefined }
  | { readonly kind: "manual"; readonly step: PlanStep }
  | { readonly kind: "failed"; readonly step: PlanStep; readonly phase: Phase; readonly result: AttemptResult; readonly output: string }
  | { readonly kind: "undo_before_skip"; readonly step: PlanStep }
  | { readonly kind: "rollback"; readonly step: PlanStep | undefined; readonly items: readonly RollbackItem[]; readonly barrier?: RollbackBarrier | undefined }
  | {
      readonly kind: "interrupted";
      readonly target: string;
      readonly step: PlanStep | undefined;
      readonly phase: Phase;
      /** No start on record: a runner in another state folder (`operator@host`) had reserved it and may have begun it. */
      readonly unconfirmed?: string | undefined;
    };

export interface Answers {
  confirm: "yes" | "skip" | "abort";
  manual: "done" | "skip" | "abort";
  failed: "retry" | "skip" | "rollback" | "abort";
  undo_before_skip: "yes" | "no";
  /** `past`: the operator named the barrier's step, to undo what came before it too (asked again with the next barrier). */
  rollback: "yes" | "no" | "past";
  interrupted: "rerun" | "skip" | "done";
}

export type Answer<K extends Ask["kind"] = Ask["kind"]> = Answers[K];

/** Whoever answers the engine's questions: a person at a terminal, or the flags of a script. */
export interface Operator {
  /** Recorded with each answer. */
  readonly name: string;
  ask<Q extends Ask>(question: Q, signal: AbortSignal): Promise<Answer<Q["kind"]>>;
}

/** What flags decide, so that nobody is asked: `--yes`, `--on-failure`, `--rerun-interrupted`… */
export interface Policy {
  readonly yes: boolean;
  readonly onFailure: "ask" | "abort" | "rollback";
  readonly interrupted: Answers["interrupted"] | undefined;
  /** `runbook rollback` was asked for: its preview needs no second yes. */
  readonly rollbackRequested?: boolean;
  /** `--confirm-irreversible`: the irreversible steps a flag may take. `--yes` alone never takes one. */
  readonly confirmIrreversible?: readonly string[];
  /** `runbook rollback --past`: the irreversible steps a rollback may go past. Nothing else goes past one without a person. */
  readonly past?: readonly string[];
  /** `--allow-handover`: a shared run without a person at its screen grants a handover when asked (docs/handoff.md). */
  readonly allowHandover?: boolean;
}

/** How the flags sign the answers they give, in the journal's `by`. */
export const BY_YES = "--yes";
export const byConfirmIrreversible = (id: string) => `--confirm-irreversible ${id}`;
export const byPast = (id: string) => `--past ${id}`;

/** Refused when a question reaches nobody: the session checks before it starts that this cannot happen. */
export class NobodyToAskError extends Error {
  override name = "NobodyToAskError";
}

/** Nobody at a terminal: every question must be answered by the policy. */
export const nobody: Operator = {
  name: "nobody",
  ask: (q) => Promise.reject(new NobodyToAskError(`${q.kind} needs an operator: run in a terminal or pass the flag`)),
};

export const INTERRUPTED_FLAG: Record<Answers["interrupted"], string> = { rerun: "--rerun-interrupted", skip: "--skip-interrupted", done: "--mark-interrupted-done" };

/**
 * Puts the flags' answers in front of an operator: what the flags decide is answered at once and
 * recorded as answered by the flag; everything else is asked.
 */
export function withPolicy(operator: Operator, policy: Policy): Operator & { by(q: Ask): string } {
  const decided = (q: Ask): { answer: string; by: string } | undefined => {
    switch (q.kind) {
      case "confirm":
        if (q.step.irreversible !== undefined) {
          if (policy.confirmIrreversible?.includes(q.step.id)) return { answer: "yes", by: byConfirmIrreversible(q.step.id) };
          // --yes never takes an irreversible step: a person types its id, or the run stops before it (resumable).
          return policy.yes && operator === nobody ? { answer: "abort", by: BY_YES } : undefined;
        }
        return policy.yes ? { answer: "yes", by: BY_YES } : undefined;
      case "manual":
        return policy.yes ? { answer: "done", by: BY_YES } : undefined;
      case "failed":
        return policy.onFailure === "ask" ? undefined : { answer: policy.onFailure, by: `--on-failure ${policy.onFailure}` };
      case "rollback":
        if (q.barrier && policy.past?.includes(q.barrier.target)) return { answer: "past", by: byPast(q.barrier.target) };
        if (policy.rollbackRequested && (operator === nobody || policy.yes)) return { answer: "yes", by: policy.yes ? "runbook rollback --yes" : "runbook rollback" };
        return policy.onFailure === "rollback" ? { answer: "yes", by: "--on-failure rollback" } : undefined;
      case "interrupted":
        return policy.interrupted ? { answer: policy.interrupted, by: INTERRUPTED_FLAG[policy.interrupted] } : undefined;
      case "undo_before_skip":
        return undefined;
    }
  };
  return {
    name: operator.name,
    by: (q) => decided(q)?.by ?? operator.name,
    ask: async (q, signal) => {
      const d = decided(q);
      if (d) return d.answer as never;
      return operator.ask(q, signal);
    },
  };
}
