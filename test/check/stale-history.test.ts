import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, runMain } from "../helpers/cli.js";
import { historyRepo } from "../helpers/history-repo.js";

const EXPECTED = path.resolve(import.meta.dirname, "../fixtures/stale-history");

/**
 * What `stale` and `lint` said about a real history before git was read once per repository and old
 * versions went to worker threads: the files in fixtures/stale-history were written by the build of
 * c71b13d (the parent of that change) over the same repository (its hashes are fixed), and must
 * still come out byte for byte, on one thread and on several.
 */
const CASES: Record<string, string[]> = {
  "stale-default-json": ["stale", "--format", "json", "--as-of", "2026-11-27"],
  "stale-two-folders-json": ["stale", "runbooks", "ops", "--format", "json", "--as-of", "2026-11-27"],
  "stale-two-folders-stylish": ["stale", "runbooks", "ops", "--as-of", "2026-11-27"],
  "stale-two-folders-github": ["stale", "runbooks", "ops", "--format", "github", "--as-of", "2026-11-27"],
  "stale-one-file-json": ["stale", "runbooks/steps.md", "--format", "json", "--as-of", "2026-11-27"],
  "lint-two-folders-json": ["lint", "runbooks", "ops", "--format", "json", "--as-of", "2026-11-27", "--no-cache"],
};

describe("stale and lint over a real git history give the findings they gave before", () => {
  it.each([["on this thread", "0"], ["on two worker threads", "2"]])("%s", async (_name, workers) => {
    const repo = await historyRepo();
    for (const [name, args] of Object.entries(CASES)) {
      // Worker threads start from the build (dist/): that case spawns it; one thread runs in process.
      const r = await (workers === "0" ? runMain : runCli)(args, { cwd: repo.dir, env: { RUNBOOK_WORKERS: workers } });
      const got = `exit ${r.exitCode}\n--- stderr\n${r.stderr.trimEnd()}\n--- stdout\n${r.stdout.trimEnd()}\n`;
      expect(got, name).toBe(readFileSync(path.join(EXPECTED, `${name}.txt`), "utf8"));
    }
  });

  it("names the commit that changed the steps, for each case the history holds", () => {
    const j = JSON.parse(readFileSync(path.join(EXPECTED, "stale-two-folders-json.txt"), "utf8").split("--- stdout\n")[1]!) as { runbooks: Array<{ file: string; findings: Array<{ kind: string; message: string }> }> };
    const changed = Object.fromEntries(j.runbooks.map((r) => [r.file, r.findings.filter((f) => f.kind === "changed").map((f) => f.message)]));
    // The expected files are only worth comparing with if they hold every case.
    expect(changed).toMatchObject({
      "runbooks/fresh.md": [],
      "runbooks/prose.md": [],
      "runbooks/reverted.md": [],
      "runbooks/sub/untouched.md": [],
      "runbooks/steps.md": [expect.stringMatching(/^Steps changed since verified: [0-9a-f]{8} \(2026-10-05: change steps\)/)],
      "runbooks/dirty.md": ["Steps changed since verified: uncommitted changes; verify it again"],
      "runbooks/unknown.md": [expect.stringContaining("is not in this repository's history")],
      "ops/deep/far.md": [expect.stringMatching(/\(2026-10-06: change again, revert one\)/)],
    });
  });
});
