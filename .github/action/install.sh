#!/usr/bin/env bash
# Installs runbook where the action was checked out, with production dependencies only.
# A release ref carries a built dist/; a branch ref is transpiled once with esbuild alone (in a
# throwaway folder, in a second or two), never with the project's dev toolchain (tsc, eslint, vitest, …).
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
  # Each source file is transpiled on its own (the sources keep verbatimModuleSyntax and
  # isolatedModules, so nothing needs the type checker), to the same dist/ layout `tsc` writes.
  tools="$(mktemp -d "${RUNNER_TEMP:-/tmp}/runbook-esbuild.XXXXXX")"
  esbuild_version="$(node -p 'require("./package.json").devDependencies.esbuild')"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "esbuild@$esbuild_version" >/dev/null
  find src -type f \( -name '*.ts' -o -name '*.tsx' \) -print0 |
    xargs -0 "$tools/node_modules/esbuild/bin/esbuild" --outdir=dist --outbase=src --format=esm --platform=node --target=node20 --jsx=automatic --log-level=warning
  rm -rf "$tools"
fi
node dist/cli/bin.js --version
on_path
