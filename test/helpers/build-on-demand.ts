import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** What the build is made from: a change to any of these makes dist/ stale. */
const INPUTS = ["src", "package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "scripts/bundle.mjs"];
const OUTPUT = path.join(ROOT, "dist/bundle/runbook.js");

function newest(file: string): number {
  const info = statSync(file, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(file).map((name) => newest(path.join(file, name))));
}

/**
 * Global setup of the e2e project (vitest.config.ts): the tests there spawn the built package, so
 * dist/ is built first when it is missing or older than what it is built from. Vitest runs it only
 * when an e2e test is queued: `npx vitest run test/run` never builds. `RUNBOOK_TEST_BIN` (another
 * build under test) skips it.
 */
export default function setup(): void {
  if (process.env.RUNBOOK_TEST_BIN) return;
  const built = existsSync(OUTPUT) ? statSync(OUTPUT).mtimeMs : 0;
  const source = Math.max(...INPUTS.map((i) => newest(path.join(ROOT, i))));
  if (built >= source) return;
  process.stderr.write(built ? "e2e: dist/ is older than src/: building\n" : "e2e: no dist/: building\n");
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
}
