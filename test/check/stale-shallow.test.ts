import { execa } from "execa";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "../helpers/cli.js";
import { historyRepo } from "../helpers/history-repo.js";
import { tempDir } from "../helpers/tmp.js";

const require = createRequire(import.meta.url);
type Validator = ((data: unknown) => boolean) & { errors?: unknown[] | null };
const Ajv = (require("ajv-draft-04") as { default: new (o: object) => { compile(s: object): Validator } }).default;
const addFormats = (require("ajv-formats") as { default: (ajv: object) => void }).default;
const validateSarif = (() => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(new URL("../fixtures/sarif/sarif-schema-2.1.0.json", import.meta.url), "utf8")));
})();

const NOTICE = /^runbook: this clone is shallow: use fetch-depth: 0 in actions\/checkout \(or run `git fetch --unshallow`\)\. (\d+) runbooks' `verified_commit` are older than the history fetched, so whether their steps changed since is not checked\n$/;
const AS_OF = ["--as-of", "2026-11-27"];

/** The history of test/helpers/history-repo.ts, cloned as `actions/checkout` does by default: one commit deep. */
async function shallowClone(): Promise<string> {
  const origin = await historyRepo();
  const dir = path.join(await tempDir("runbook-shallow-"), "clone");
  await execa("git", ["clone", "-q", "--depth", "1", `file://${origin.dir}`, dir]);
  expect(String((await execa("git", ["rev-parse", "--is-shallow-repository"], { cwd: dir })).stdout)).toBe("true");
  return dir;
}

describe("stale and lint in a shallow clone", () => {
  it("say once that the clone is shallow, instead of a false finding per verified runbook", async () => {
    const dir = await shallowClone();

    const json = await runMain(["stale", "runbooks", "ops", "--format", "json", ...AS_OF], { cwd: dir });
    const report = JSON.parse(json.stdout) as { shallowClone: { runbooks: number }; runbooks: Array<{ file: string; findings: Array<{ kind: string }> }> };
    // Nine verified runbooks, all verified before the one commit fetched (unknown.md's commit is nowhere, which a shallow clone cannot tell).
    expect(report.shallowClone.runbooks).toBe(9);
    expect(report.runbooks.flatMap((r) => r.findings.filter((f) => f.kind === "changed"))).toEqual([]);
    expect(json.stderr).toMatch(NOTICE);
    // Overdue and never verified are judged as ever: only the history check is left out.
    expect(report.runbooks.filter((r) => r.findings.length).map((r) => [r.file, r.findings.map((f) => f.kind)])).toEqual([
      ["runbooks/never.md", ["never-verified"]],
      ["runbooks/overdue.md", ["overdue"]],
    ]);

    const stylish = await runMain(["stale", "runbooks", "ops", ...AS_OF], { cwd: dir });
    expect(stylish.stdout).not.toContain("not in this repository's history");
    expect(stylish.stderr).toMatch(NOTICE);

    const github = await runMain(["stale", "runbooks", "ops", "--format", "github", ...AS_OF], { cwd: dir });
    expect(github.stdout.split("\n")[0]).toBe(`::warning title=runbook::${NOTICE.exec(github.stderr)![0].slice("runbook: ".length, -1)}`);

    const lint = await runMain(["lint", "runbooks", "ops", "--format", "json", "--no-cache", ...AS_OF], { cwd: dir });
    const linted = JSON.parse(lint.stdout) as { files: Array<{ diagnostics: Array<{ ruleId: string }> }> };
    expect(linted.files.flatMap((f) => f.diagnostics.filter((d) => d.ruleId === "stale-changed"))).toEqual([]);
    expect(lint.stderr).toMatch(NOTICE);
    // With stale-changed off (the GitHub Action's lint step, when its stale step runs) lint says nothing of it.
    expect((await runMain(["lint", "runbooks", "--no-cache", "--rule", "stale-changed=off", ...AS_OF], { cwd: dir })).stderr).toBe("");

    // Once the history is all there, the runbooks are judged as in a full clone.
    await execa("git", ["fetch", "-q", "--unshallow"], { cwd: dir });
    const full = await runMain(["stale", "runbooks", "ops", "--format", "json", ...AS_OF], { cwd: dir });
    expect(full.stderr).toBe("");
    expect(JSON.parse(full.stdout).shallowClone).toBeUndefined();
    expect(full.stdout).toContain("is not in this repository's history");
  }, 120_000);

  it("stale --format sarif is lint's SARIF 2.1.0: valid against the OASIS schema, with the shallow clone as a notification", async () => {
    const dir = await shallowClone();
    const r = await runMain(["stale", "runbooks", "ops", "--format", "sarif", ...AS_OF], { cwd: dir });
    expect(r.exitCode).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors?.slice(0, 3), null, 2)).toBe(true);
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(["stale-never-verified", "stale-overdue", "stale-changed"]);
    expect(run.results.map((x: { ruleId: string; ruleIndex: number; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => [x.ruleId, run.tool.driver.rules[x.ruleIndex].id, x.locations[0]!.physicalLocation.artifactLocation.uri])).toEqual([
      ["stale-never-verified", "stale-never-verified", "runbooks/never.md"],
      ["stale-overdue", "stale-overdue", "runbooks/overdue.md"],
    ]);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toMatch(/^this clone is shallow: use fetch-depth: 0 in actions\/checkout/);

    // Outside a shallow clone: the same document without notifications.
    const here = await runMain(["stale", "test/fixtures/corpus-sample", "--format", "sarif", ...AS_OF]);
    const plain = JSON.parse(here.stdout);
    expect(validateSarif(plain), JSON.stringify(validateSarif.errors?.slice(0, 3), null, 2)).toBe(true);
    expect(plain.runs[0].invocations).toBeUndefined();
    expect(plain.runs[0].results.length).toBeGreaterThan(0);
  }, 120_000);
});
