/**
 * How an attempt ended, the one answer to "did it pass?": the engine (retry, capture), the fold (a
 * step's word, a skipped step's undo), the rollback plan (a barrier) and every view ask it here.
 * Pure, from the fields `attempt_finished` records (docs/journal.md).
 *
 * Precedence, first that holds: `interrupted` (the run stopped while it ran: its outcome is unknown,
 * whatever code the process left), `error` (it could not start), `timedOut` (its process group was
 * stopped: the signal or code that followed is the tool's doing), `signal` (killed by a signal), then
 * the exit code: 0 passed, any other failed; no code and nothing else recorded is a failure too.
 */
export type Outcome =
  | { readonly kind: "passed" }
  | { readonly kind: "exit"; readonly code: number | null }
  | { readonly kind: "signal"; readonly signal: string }
  | { readonly kind: "timeout" }
  | { readonly kind: "error"; readonly error: string }
  | { readonly kind: "interrupted" };

/** What an attempt's end records: `attempt_finished`, the fold's AttemptResult, a runner's result. */
export interface AttemptEnd {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly error?: string | undefined;
  readonly interrupted?: boolean | undefined;
}

export function outcome(r: AttemptEnd): Outcome {
  if (r.interrupted === true) return { kind: "interrupted" };
  if (r.error !== undefined) return { kind: "error", error: r.error };
  if (r.timedOut) return { kind: "timeout" };
  if (r.signal !== null) return { kind: "signal", signal: r.signal };
  return r.exitCode === 0 ? { kind: "passed" } : { kind: "exit", code: r.exitCode };
}

/** It passed: exit 0, no signal, no timeout, no error, not interrupted. */
export const passed = (r: AttemptEnd): boolean => outcome(r).kind === "passed";

/**
 * It ended and did not pass (an exit code, a signal, a timeout, could not start): an interrupted
 * attempt is neither passed nor failed, its outcome is unknown.
 */
export const failed = (r: AttemptEnd): boolean => {
  const k = outcome(r).kind;
  return k !== "passed" && k !== "interrupted";
};
