#!/usr/bin/env bash
set -euo pipefail
# shellcheck source=paths.sh
. "$GITHUB_ACTION_PATH/.github/action/paths.sh"
status=0
node "$GITHUB_ACTION_PATH/dist/cli/bin.js" stale "${paths[@]}" --format github || status=$?
if [ "$status" -eq 1 ] && [ "${FAIL_ON_STALE:-false}" != "true" ]; then status=0; fi
exit "$status"
