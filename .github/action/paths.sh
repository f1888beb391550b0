# Sourced by the action's steps: RUNBOOK_PATHS → the array `paths`, with no word splitting inside a
# line and no glob expansion by bash (runbook expands globs itself, `**` included).
set -f
paths=()
if [[ "$RUNBOOK_PATHS" == *$'\n'* ]]; then
  while IFS= read -r line; do
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    [ -n "$line" ] && paths+=("$line")
  done <<< "$RUNBOOK_PATHS"
else
  read -r -a paths <<< "$RUNBOOK_PATHS"
fi
set +f
