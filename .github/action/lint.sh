#!/usr/bin/env bash
set -euo pipefail
# shellcheck source=paths.sh
. "$GITHUB_ACTION_PATH/.github/action/paths.sh"
bin="$GITHUB_ACTION_PATH/dist/cli/bin.js"

flags=(--format github)
[ -n "${RUNBOOK_MAX_WARNINGS:-}" ] && flags+=(--max-warnings "$RUNBOOK_MAX_WARNINGS")
# The stale step reports staleness; lint would only annotate the same lines a second time.
if [ "${RUNBOOK_STALE:-true}" = "true" ]; then
  flags+=(--rule stale-never-verified=off --rule stale-overdue=off --rule stale-changed=off)
fi

if [ -n "${RUNBOOK_SARIF_FILE:-}" ]; then
  status=0
  node "$bin" lint "${paths[@]}" --format sarif "${flags[@]:2}" > "$RUNBOOK_SARIF_FILE" || status=$?
  # 0 and 1 (findings) both produce a report; anything else is a failure to lint at all.
  [ "$status" -le 1 ] || exit "$status"
  echo "sarif-file=$RUNBOOK_SARIF_FILE" >> "$GITHUB_OUTPUT"
fi

# The annotations go to the log as they are; the action's outputs count them.
report="$(mktemp "${RUNNER_TEMP:-/tmp}/runbook-lint.XXXXXX")"
status=0
node "$bin" lint "${paths[@]}" "${flags[@]}" > "$report" || status=$?
cat "$report"
{
  echo "errors=$(grep -c '^::error ' "$report" || true)"
  echo "warnings=$(grep -c '^::warning file=' "$report" || true)"
} >> "$GITHUB_OUTPUT"
rm -f "$report"
exit "$status"
