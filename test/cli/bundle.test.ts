import { execa } from "execa";
import { existsSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BIN, ROOT } from "../helpers/cli.js";

const BUNDLE = path.join(ROOT, "dist/bundle/runbook.js");
const run = (bin: string, args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [bin, ...args], { cwd: ROOT, env: { NO_COLOR: "1", CI: "true", ...env }, reject: false, stripFinalNewline: false, timeout: 120_000 });

/** The esbuild bundle (`npm run bundle`) is the same program as the tsc build, started faster. */
describe("the bundle", () => {
  beforeAll(async () => {
    const r = await execa(process.execPath, [path.join(ROOT, "scripts/bundle.mjs")], { cwd: ROOT, reject: false });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(existsSync(BUNDLE)).toBe(true);
  }, 120_000);

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
      const [a, b] = [await run(BIN, args, env), await run(BUNDLE, args, env)];
      expect(b.stdout, args.join(" ")).toBe(a.stdout);
      expect(b.stderr, args.join(" ")).toBe(a.stderr);
      expect(b.exitCode, args.join(" ")).toBe(a.exitCode);
    }
  });
});
