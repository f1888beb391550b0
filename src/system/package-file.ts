/**
 * A file shipped in the package (package.json, runbooks/template.md), by its path from the package
 * root. The URL is taken from this module's own place, which is two folders below the root however
 * runbook runs: src/system/ (tests from sources), dist/system/ (tsc's build, the GitHub Action), and
 * dist/bundle/ (the installed command: esbuild writes every chunk flat in that one folder, and this
 * module goes into one of them). A caller's own place is not: dist/cli/commands/ is three deep.
 */
export function packageFile(relative: string): URL {
  return new URL(`../../${relative}`, import.meta.url);
}
