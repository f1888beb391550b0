/**
 * Where shared runs live in a git repository (docs/handoff.md):
 *
 *   refs/runbook/runs/<run-id>        a run's journal: a chain of commits, only ever fast-forwarded
 *   refs/runbook/locks/<runbook-id>   a runbook's lock: a chain of lease commits
 *
 * Each clone fetches them into `refs/runbook-remotes/<remote>/…`, a namespace of its own that only
 * mirrors the remote, so a fetch never rewrites what this clone wrote and has not pushed.
 */
export const RUNS = "refs/runbook/runs/";
export const LOCKS = "refs/runbook/locks/";

export const runRef = (runId: string) => `${RUNS}${runId}`;
export const lockRef = (runbookId: string) => `${LOCKS}${runbookId}`;
export const trackingPrefix = (remote: string) => `refs/runbook-remotes/${remote}/`;
export const trackingRunRef = (remote: string, runId: string) => `${trackingPrefix(remote)}runs/${runId}`;
export const trackingLockRef = (remote: string, runbookId: string) => `${trackingPrefix(remote)}locks/${runbookId}`;
/** The fetch refspec the tool adds to the remote: forced, but only into the tracking namespace. */
export const fetchRefspec = (remote: string) => `+refs/runbook/*:${trackingPrefix(remote)}*`;
/**
 * In each clone only: a run whose ref on the remote was rewritten (not a fast-forward of what the
 * clone had fetched) and says otherwise than the clone's journal. It names the remote's version the
 * clone refused, so a later fetch does not take that version as the run's going on.
 */
export const rewrittenPrefix = (remote: string) => `refs/runbook-rewritten/${remote}/`;
export const rewrittenRef = (remote: string, runId: string) => `${rewrittenPrefix(remote)}${runId}`;
