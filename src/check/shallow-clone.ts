/**
 * Said once by `stale` and `lint` in a shallow clone, instead of a finding per runbook: CI checks out
 * one commit unless told otherwise, and the verified commits are older than that.
 */
export function shallowCloneNotice(runbooks: number): string {
  const which = runbooks === 1 ? "1 runbook's `verified_commit` is" : `${runbooks} runbooks' \`verified_commit\` are`;
  return `this clone is shallow: use fetch-depth: 0 in actions/checkout (or run \`git fetch --unshallow\`). ${which} older than the history fetched, so whether their steps changed since is not checked`;
}
