import type { Outcome } from "../journal/outcome.js";

/** The states the fold gives a run, a step and a step's rollback (run/state.ts), and the words for them here. */
export type StepStatus = "pending" | "running" | "interrupted" | "done" | "failed" | "skipped" | "assumed";
export type RollbackStatus = "rolled_back" | "failed" | "none";
export type RunStatus = "running" | "interrupted" | "completed" | "failed" | "aborted" | "rolled_back" | "rolled_back_to" | "rollback_failed" | "closed";
export type StepWord = StepStatus | "rolled back" | "rollback failed" | "not rolled back";

/**
 * The one vocabulary: every word a screen, the plain view, `runs`, `log`, `handoff`, `stats` or a
 * shared record uses for a run, a step, a rollback and an attempt's outcome (docs/journal.md). Here,
 * below report/, because the run core says them too (`close`, the shared record). Pure data.
 */

/** A run's word by the status its journal gives; `running` reads `live` only while a process holds it (see runWord). */
export const RUN_WORDS: Readonly<Record<RunStatus, string>> = {
  running: "live",
  interrupted: "interrupted",
  completed: "completed",
  failed: "failed",
  aborted: "aborted",
  rolled_back: "rolled back",
  rolled_back_to: "rolled back to",
  rollback_failed: "rollback failed",
  closed: "closed",
};

/** A running run whose runner is rolling it back. */
export const ROLLING_BACK = "rolling back";

/** How a step's word reads to a person: `assumed` is "assumed done", every other as it is. */
export const STEP_WORDS: Readonly<Record<StepWord, string>> = {
  pending: "pending",
  running: "running",
  interrupted: "interrupted",
  done: "done",
  failed: "failed",
  skipped: "skipped",
  assumed: "assumed done",
  "rolled back": "rolled back",
  "rollback failed": "rollback failed",
  "not rolled back": "not rolled back",
};

/** What a rollback did with a step (`rollback_finished.status`). */
export const ROLLBACK_WORDS: Readonly<Record<RollbackStatus, StepWord>> = {
  rolled_back: "rolled back",
  failed: "rollback failed",
  none: "not rolled back",
};

/** Where a run stands, said before the step's id (`next dns`): its word, or one of these for a step not started. */
export const STANDING_WORDS = {
  /** Not started: where a resume goes on. */
  next: "next",
  /** Not started when the run was closed. */
  leftBefore: "left before",
} as const;

/** An attempt's outcome in one or two words (the timeline; details such as "timed out after 30s" are report/failure-text.ts). */
export function outcomeWord(o: Outcome): string {
  switch (o.kind) {
    case "passed":
      return "passed";
    case "interrupted":
      return "cut short";
    case "error":
      return `could not start: ${o.error}`;
    case "timeout":
      return "timed out";
    case "signal":
      return `killed by ${o.signal}`;
    case "exit":
      return o.code === null ? "failed" : `exit ${o.code}`;
  }
}

/**
 * Who said an assumed step was done, as a person reads it after "assumed done". In a drill
 * (`runbook drill`) a step the run did not run is one its heading leaves out (`drill_skip`).
 */
export function assumedBy(by: "run" | "operator" | "resume" | "flag", drill: boolean): string {
  if (by === "flag") return "by --yes: nobody said it was done";
  if (by === "resume") return "by an answer at a resume";
  if (by === "run") return "by the run";
  return drill ? "by no one: drill_skip leaves it out of a drill" : "by the operator";
}

/**
 * A step reserved by a shared run's runner in another state folder, with no start on record: the
 * journal on the remote stops before it, so whether it began there is unknown.
 */
export function unconfirmedText(by: string): string {
  return `may have begun under ${by}, whose runner had reserved it; the journal it pushed shows no start, so its outcome is unknown.`;
}
