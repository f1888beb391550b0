import { execa } from "execa";
import { existsSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, TSC_BIN } from "../helpers/cli.js";

const BUNDLE = path.join(ROOT, "dist/bundle/runbook.js");
const run = (bin: string, args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [bin, ...args], { cwd: ROOT, env: { NO_COLOR: "1", CI: "true", ...env }, reject: false, stripFinalNewline: false, timeout: 120_000 });

/**
 * The esbuild bundle (what `bin` names; `npm run build` makes it, and every other test spawns it) is
 * the same program as the tsc build, started faster. It is not rebuilt here: other tests run it now.
 */
describe("the bundle", () => {
  beforeAll(() => {
    expect(existsSync(BUNDLE), "dist/bundle/runbook.js: run `npm run build` (npm test does)").toBe(true);
  });

  it("answers as the tsc build does: lint (on worker threads too), stale, schema, rules, graph, help, version", async () => {
    const cases: Array<[string[], Record<string, string>?]> = [
      [["--version"]],
      [["--help"]],
      [["lint", "test/fixtures", "runbooks", "--format", "json", "--no-cache", "--as-of", "2026-11-27"], { RUNBOOK_WORKERS: "0" }],
      [["lint", "test/fixtures", "runbooks", "--format", "sarif", "--no-cache", "--as-of", "2026-11-27"], { RUNBOOK_WORKERS: "2" }],
      [["lint", "runbooks/template.md", "--no-cache"]],
      [["stale", "test/fixtures/corpus-sample", "--format", "json", "--as-of", "2026-11-27"], { RUNBOOK_WORKERS: "2" }],
      [["schema"]],
      [["schema", "config"]],
      [["rules", "--format", "json"]],
      [["graph", "runbooks/demo-failover.md", "--format", "dot"]],
      [["run", "runbooks/demo-failover.md", "--dry-run"]],
    ];
    for (const [args, env] of cases) {
      const [a, b] = [await run(TSC_BIN, args, env), await run(BUNDLE, args, env)];
      expect(b.stdout, args.join(" ")).toBe(a.stdout);
      expect(b.stderr, args.join(" ")).toBe(a.stderr);
      expect(b.exitCode, args.join(" ")).toBe(a.exitCode);
    }
  });
});
