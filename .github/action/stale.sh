#!/usr/bin/env bash
set -euo pipefail
# shellcheck source=paths.sh
. "$GITHUB_ACTION_PATH/.github/action/paths.sh"
report="$(mktemp "${RUNNER_TEMP:-/tmp}/runbook-stale.XXXXXX")"
status=0
node "$GITHUB_ACTION_PATH/dist/cli/bin.js" stale "${paths[@]}" --format github > "$report" || status=$?
cat "$report"
# A runbook may be stale twice over (overdue, and changed since): count files, not annotations.
echo "stale=$(sed -nE 's/^::(warning|error) file=([^,]*),.*/\2/p' "$report" | sort -u | wc -l | tr -d ' ')" >> "$GITHUB_OUTPUT"
rm -f "$report"
if [ "$status" -eq 1 ] && [ "${FAIL_ON_STALE:-false}" != "true" ]; then status=0; fi
exit "$status"
