import type { Runbook } from "../model/types.js";

/**
 * What the runbook says of a step that the journal does not: whether it asks before it runs, cannot
 * be undone (and why), is done by hand, and has a rollback. Read from the runbook the run started
 * with (or the one found now, when that one is gone: `same` says which).
 */
export interface StepFacts {
  readonly title: string;
  readonly confirm: boolean;
  /** The reason given with `irreversible="…"`. */
  readonly irreversible: string | undefined;
  readonly manual: boolean;
  readonly rollback: boolean;
}

export interface RunbookFacts {
  readonly steps: ReadonlyMap<string, StepFacts>;
  /** The runbook read is the one the run started with (same SHA-256); else the steps may have changed since. */
  readonly same: boolean;
}

export function stepFacts(runbook: Runbook, same: boolean): RunbookFacts {
  return {
    same,
    steps: new Map(
      runbook.steps.map((s) => [
        s.id,
        // An irreversible step is always confirmed (run/plan.ts): said so here too.
        { title: s.title, confirm: s.confirm || s.irreversible !== undefined, irreversible: s.irreversible, manual: s.manual, rollback: s.rollback !== undefined },
      ]),
    ),
  };
}

/** A step's flags in words: `confirm, irreversible (the old primary is gone), manual`; empty when it has none. */
export function flagWords(f: StepFacts): string {
  return [f.confirm ? "confirm" : "", f.irreversible !== undefined ? `irreversible (${f.irreversible})` : "", f.manual ? "manual" : ""].filter(Boolean).join(", ");
}
