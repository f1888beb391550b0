#!/usr/bin/env bash
# Installs runbook where the action was checked out, with production dependencies only.
# A release ref carries a built dist/; a branch ref is compiled once with the TypeScript compiler
# alone (in a throwaway folder), never with the project's dev toolchain (eslint, vitest, …).
set -euo pipefail
cd "$GITHUB_ACTION_PATH"

node -e 'const [a, b] = process.versions.node.split(".").map(Number); if (a < 20 || (a === 20 && b < 19)) { console.error(`runbook needs Node.js >= 20.19, this job has ${process.version}: add actions/setup-node before this action`); process.exit(1); }'

# Restored by actions/cache (keyed on this ref's content, Node's major version and the runner): done.
# Later steps of the job (`runbook drill`, docs/drills.md) find `runbook` on PATH.
on_path() {
  if [ -n "${GITHUB_PATH:-}" ]; then
    bin="${RUNNER_TEMP:-/tmp}/runbook-bin"
    mkdir -p "$bin"
    printf '#!/bin/sh\nexec node "%s/dist/cli/bin.js" "$@"\n' "$GITHUB_ACTION_PATH" > "$bin/runbook"
    chmod +x "$bin/runbook"
    echo "$bin" >> "$GITHUB_PATH"
  fi
}

if [ "${RUNBOOK_INSTALL_RESTORED:-}" = "true" ] && [ -f dist/cli/bin.js ] && [ -d node_modules ]; then
  echo "runbook: installed from the cache"
  node dist/cli/bin.js --version
  on_path
  exit 0
fi

npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
if [ ! -f dist/cli/bin.js ]; then
  tools="$(mktemp -d "${RUNNER_TEMP:-/tmp}/runbook-tsc.XXXXXX")"
  ts_version="$(node -p 'require("./package.json").devDependencies.typescript')"
  node_types="$(node -p 'require("./package.json").devDependencies["@types/node"]')"
  react_types="$(node -p 'require("./package.json").devDependencies["@types/react"]')"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "typescript@$ts_version" "@types/node@$node_types" "@types/react@$react_types" >/dev/null
  # The compiler finds these types through NODE_PATH-free paths: link them where tsc looks.
  mkdir -p node_modules/@types
  for t in node react; do [ -e "node_modules/@types/$t" ] || ln -s "$tools/node_modules/@types/$t" "node_modules/@types/$t"; done
  "$tools/node_modules/.bin/tsc" -p tsconfig.build.json
  for t in node react; do [ -L "node_modules/@types/$t" ] && rm "node_modules/@types/$t"; done
  rm -rf "$tools"
fi
node dist/cli/bin.js --version
on_path
