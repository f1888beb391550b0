import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "../helpers/cli.js";
import { DRILLED, drilledRepo, fence } from "./fixture.js";
import { tempDir } from "../helpers/tmp.js";

const ran = async (dir: string) => (await readdir(dir)).sort();

describe("runbook drill", () => {
  it("--due runs the two due drills, records and commits the one that passed, exits 1, and its Markdown names the failed step and its output", async () => {
    const repo = await drilledRepo();
    const head = await repo.git("rev-parse", "HEAD");
    const summary = path.join(await tempDir("runbook-summary-"), "summary.md");
    const r = await runMain(["drill", "--due", "--commit", "--format", "markdown", "--as-of", "2026-12-02"], { cwd: repo.dir, env: { MARK_DIR: repo.marks, GITHUB_STEP_SUMMARY: summary } });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(await ran(repo.marks)).toEqual(["failing-ran", "passing-promoted", "passing-ran"]);
    expect(r.stderr).toContain("runbooks/notdue.md: not due (not due until 2026-12-31)");

    // One commit, holding only the passing runbook's verification.
    expect(await repo.git("rev-list", "--count", `${head}..HEAD`)).toBe("1");
    expect((await repo.git("show", "--name-only", "--format=", "HEAD")).trim()).toBe("runbooks/passing.md");
    const message = await repo.git("log", "-1", "--format=%B");
    expect(message).toContain("Drills verified passing");
    expect(message).toContain("assumed done: tell, left out: page");
    const passing = await readFile(path.join(repo.dir, "runbooks/passing.md"), "utf8");
    expect(passing).toMatch(/^last_verified: \d{4}-\d{2}-\d{2}$/m);
    expect(passing).toContain("verified_by: Test Verifier");
    expect(await readFile(path.join(repo.dir, "runbooks/failing.md"), "utf8")).not.toContain("last_verified");
    expect(await repo.git("status", "--porcelain")).toBe("");

    const md = r.stdout;
    expect(md).toMatch(/^## Runbook drills: 1 passed, 1 failed$/m);
    expect(md).toMatch(/\| ✅ \| `runbooks\/passing.md` Passing drill \| passed: verified \S+ by Test Verifier \(assumed done: tell; left out: page\) \|/);
    expect(md).toContain("### ❌ failing: failed at step `migrate` (Migrate the schema)");
    expect(md).toContain("exit 3, last output:\n\n```text\napplying migration 42\nERROR: relation \"users\" does not exist\n```");
    expect(md).toMatch(/`runbook log \S+-failing-\w+`/);
    expect(await readFile(summary, "utf8")).toBe(`${md}\n`);

    // Each drill has its own journal, which says it was a drill and what it assumed.
    const runs = (await readdir(path.join(repo.dir, ".runbook/runs"))).filter((f) => f.endsWith(".jsonl"));
    expect(runs.map((f) => f.replace(/^\S+?-(\w+)-\w+\.jsonl$/, "$1")).sort()).toEqual(["failing", "passing"]);
    const journal = await readFile(path.join(repo.dir, ".runbook/runs", runs.find((f) => f.includes("-passing-"))!), "utf8");
    expect(journal).toContain('"drill":true');
    expect(journal).toMatch(/"type":"verification_recorded".*"assumed":\["tell"\],"skipped":\["page"\]/);

    // stale and handoff show the last drill beside last_verified; stats the pass rate.
    const env = { GITHUB_STEP_SUMMARY: "" };
    const stale = await runMain(["stale", "--as-of", "2026-12-02"], { cwd: repo.dir, env });
    expect(stale.stdout).toMatch(/^runbooks\/failing.md {2}last drill {6}\d{4}-\d\d-\d\d failed \(run \S+-failing-\w+\); last verified never$/m);
    expect(stale.stdout).toMatch(/^runbooks\/passing.md {2}last drill {6}\d{4}-\d\d-\d\d passed \(run \S+-passing-\w+\); last verified \d{4}-\d\d-\d\d$/m);
    const stats = JSON.parse((await runMain(["stats", "--format", "json"], { cwd: repo.dir, env })).stdout) as { all: Record<string, unknown> };
    expect(stats.all).toMatchObject({ drills: 2, drillsPassed: 1, drillPassRate: 0.5 });
    const handoff = await runMain(["handoff", "--format", "text"], { cwd: repo.dir, env });
    expect(handoff.stdout).toMatch(/runbooks\/failing.md \(failing\)\n(.*\n)*? {4}last drill: {2}\S+ failed \(run \S+-failing-\w+\)/);
  }, 60_000);

  it("--dry-run runs nothing and lists what would run", async () => {
    const repo = await drilledRepo();
    const r = await runMain(["drill", "--due", "--dry-run", "--as-of", "2026-12-02"], { cwd: repo.dir, env: { MARK_DIR: repo.marks, GITHUB_STEP_SUMMARY: "" } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await ran(repo.marks)).toEqual([]);
    expect(existsSync(path.join(repo.dir, ".runbook/runs"))).toBe(false);
    expect(r.stdout).toBe("runbook drill: 2 drills would run (dry run: nothing ran)\n  would run  runbooks/failing.md  (never verified)\n  would run  runbooks/passing.md  (never verified)\n");
  }, 30_000);

  it("stops before an irreversible step that confirm_irreversible does not name, and records nothing", async () => {
    const repo = await drilledRepo({ "runbooks/passing.md": DRILLED["runbooks/passing.md"].replace("  confirm_irreversible: [promote]\n", "") });
    const r = await runMain(["drill", "--commit", "--format", "json"], { cwd: repo.dir, env: { MARK_DIR: repo.marks, GITHUB_STEP_SUMMARY: "" } });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(await ran(repo.marks)).toEqual(["passing-ran"]);
    const out = JSON.parse(r.stdout) as { drills: { outcome: string; reason: string }[] };
    expect(out.drills).toHaveLength(1);
    expect(out.drills[0]!.outcome).toBe("failed");
    expect(out.drills[0]!.reason).toContain("stopped before promote: it is irreversible");
    expect(await repo.git("log", "--format=%s")).toBe("runbooks");
  }, 30_000);

  it("refuses a drill whose manual step is neither drill_skip nor assumed, before anything runs", async () => {
    const repo = await drilledRepo({ "runbooks/passing.md": DRILLED["runbooks/passing.md"].replace("  manual: assume\n", "") });
    const r = await runMain(["drill", "--format", "markdown"], { cwd: repo.dir, env: { MARK_DIR: repo.marks, GITHUB_STEP_SUMMARY: "" } });
    expect(r.exitCode).toBe(1);
    expect(await ran(repo.marks)).toEqual([]);
    expect(r.stdout).toContain("Manual step \\`tell\\` in a drilled runbook: add \\`drill\\_skip\\` to its heading");
    expect(r.stdout).toContain("Nothing ran, so there is no journal.");
  }, 30_000);

  it("keeps the values of drill.env and secret params out of the report, and fails a drill without them before it runs", async () => {
    const leaky = `---
id: leaky
owner: team-a
env: [MARK_DIR, DB_URL]
params:
  TOKEN: {secret: true}
drill:
  every: 1d
  params: {TOKEN: "\${DRILL_TOKEN}"}
  env: [DRILL_TOKEN, DB_URL]
---
# Leaky

## Steps
### Use them {#use}
${fence}sh
touch "$MARK_DIR/leaky-ran"; echo "token $TOKEN url $DB_URL"; exit 1
${fence}
`;
    const repo = await drilledRepo({ "runbooks/leaky.md": leaky });
    const missing = await runMain(["drill", "--format", "markdown"], { cwd: repo.dir, env: { MARK_DIR: repo.marks, GITHUB_STEP_SUMMARY: "", DRILL_TOKEN: "s3cr3t-token-value" } });
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toContain("DB\\_URL is not set, and the drill needs it (drill.env); nothing ran");
    expect(await ran(repo.marks)).toEqual([]);

    const r = await runMain(["drill", "--format", "markdown"], { cwd: repo.dir, env: { MARK_DIR: repo.marks, GITHUB_STEP_SUMMARY: "", DRILL_TOKEN: "s3cr3t-token-value", DB_URL: "postgres://admin:hunter2-pass@db" } });
    expect(r.exitCode).toBe(1);
    expect(await ran(repo.marks)).toEqual(["leaky-ran"]);
    expect(r.stdout).toContain("token *** url ***");
    expect(r.stdout).not.toContain("s3cr3t-token-value");
    expect(r.stdout).not.toContain("hunter2");
  }, 30_000);
});
