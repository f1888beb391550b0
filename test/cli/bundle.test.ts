import { execa } from "execa";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, TSC_BIN } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

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

  it("finds the files it ships (the template `new` copies, package.json) from any folder, from dist/bundle as from dist/cli", async () => {
    const template = await readFile(path.join(ROOT, "runbooks/template.md"), "utf8");
    for (const bin of [TSC_BIN, BUNDLE]) {
      const elsewhere = await tempDir("runbook-new-");
      const r = await execa(process.execPath, [bin, "new", "redis-failover", "--owner", "team-cache"], { cwd: elsewhere, env: { NO_COLOR: "1" }, reject: false });
      expect([r.exitCode, r.stderr], bin).toEqual([0, ""]);
      const made = await readFile(path.join(elsewhere, "runbooks/redis-failover.md"), "utf8");
      expect(made).toBe(template.replace("id: my-runbook", "id: redis-failover").replace("owner: team-unknown", "owner: team-cache").replace("# My runbook", "# Redis failover"));
    }
  });
});
