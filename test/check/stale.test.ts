import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "../helpers/cli.js";
import { gitRepo } from "../helpers/git.js";
import { fence, journalEvents } from "../helpers/runbooks.js";
import { tempDir } from "../helpers/tmp.js";

const body = (cmd: string, prose = "Restart it gently.") => `---\nid: db-restart\nowner: team-db\nreview_every: 30d\n---\n# Restart\n\n## Steps\n### Restart {#restart}\n${prose}\n${fence("sh", cmd)}`;

interface StaleJson {
  runbooks: Array<{ file: string; stale: boolean; due: string | null; findings: Array<{ kind: string; message: string }> }>;
}
const staleJson = async (cwd: string, args: string[] = []) => {
  const r = await runMain(["stale", "--format", "json", ...args], { cwd });
  return { ...r, json: JSON.parse(r.stdout) as StaleJson };
};

async function verifiedRepo() {
  const repo = await gitRepo();
  await repo.write("runbooks/db.md", body("systemctl restart db"));
  await repo.commit("add runbook", "2026-11-01T10:00:00Z");
  expect((await runMain(["verify", "runbooks/db.md", "--date", "2026-11-02", "--commit"], { cwd: repo.dir })).exitCode).toBe(0);
  return repo;
}

describe("runbook stale", () => {
  it("judges overdue by last_verified + review_every, before and after the deadline", async () => {
    const repo = await verifiedRepo();
    const before = await staleJson(repo.dir, ["--as-of", "2026-12-02"]);
    expect(before.exitCode).toBe(0);
    expect(before.json.runbooks[0]).toMatchObject({ stale: false, due: "2026-12-02" });
    const after = await staleJson(repo.dir, ["--as-of", "2026-12-03"]);
    expect(after.exitCode).toBe(1);
    expect(after.json.runbooks[0]?.findings).toEqual([{ kind: "overdue", message: "Overdue: last verified 2026-11-02, due again 2026-12-02 (every 30d); 1 day late", line: 5, column: 1 }]);
  });

  it("flags a runbook whose steps changed after verification, not one whose prose did", async () => {
    const repo = await verifiedRepo();
    const file = path.join(repo.dir, "runbooks/db.md");
    writeFileSync(file, readFileSync(file, "utf8").replace("Restart it gently.", "Restart it gentlly, typo fixed later."));
    await repo.commit("fix a typo in the prose", "2026-11-05T00:00:00Z");
    expect((await staleJson(repo.dir, ["--as-of", "2026-11-10"])).json.runbooks[0]?.stale).toBe(false);

    writeFileSync(file, readFileSync(file, "utf8").replace("systemctl restart db", "systemctl restart db --now"));
    const changed = await repo.commit("restart faster", "2026-11-06T00:00:00Z");
    const r = await staleJson(repo.dir, ["--as-of", "2026-11-10"]);
    expect(r.exitCode).toBe(1);
    expect(r.json.runbooks[0]?.findings).toMatchObject([{ kind: "changed", message: `Steps changed since verified: ${changed.slice(0, 8)} (2026-11-06: restart faster); verify it again` }]);
    const lint = await runMain(["lint", "--format", "json"], { cwd: repo.dir });
    expect(JSON.parse(lint.stdout).files[0].diagnostics.map((d: { ruleId: string }) => d.ruleId)).toContain("stale-changed");
  });

  it("names the commit that removed a runbook later put back with other steps, and not a commit that put back the same ones", async () => {
    const repo = await verifiedRepo();
    const file = path.join(repo.dir, "runbooks/db.md");
    const verified = readFileSync(file, "utf8");
    await repo.git("rm", "-q", "runbooks/db.md");
    const removed = await repo.commit("remove the runbook", "2026-11-05T00:00:00Z");
    await repo.write("runbooks/db.md", verified);
    await repo.commit("put it back as it was", "2026-11-06T00:00:00Z");
    // Read from the log's blobs (a removal leaves none): the same steps as verified, so fresh.
    expect((await staleJson(repo.dir, ["--as-of", "2026-11-10"])).json.runbooks[0]?.findings).toEqual([]);
    writeFileSync(file, verified.replace("systemctl restart db", "systemctl restart db --now"));
    await repo.commit("put back other steps", "2026-11-07T00:00:00Z");
    expect((await staleJson(repo.dir, ["--as-of", "2026-11-10"])).json.runbooks[0]?.findings).toMatchObject([{ kind: "changed", message: `Steps changed since verified: ${removed.slice(0, 8)} (2026-11-05: remove the runbook); verify it again` }]);
  });

  it("flags uncommitted changes to the steps", async () => {
    const repo = await verifiedRepo();
    const file = path.join(repo.dir, "runbooks/db.md");
    writeFileSync(file, readFileSync(file, "utf8").replace("systemctl restart db", "rm -rf /var/lib/db"));
    const r = await staleJson(repo.dir, ["--as-of", "2026-11-10"]);
    expect(r.json.runbooks[0]?.findings[0]?.message).toBe("Steps changed since verified: uncommitted changes; verify it again");
  });

  it("reports never-verified runbooks, and works outside git with a notice", async () => {
    const dir = await tempDir();
    const { mkdir } = await import("node:fs/promises");
    await mkdir(path.join(dir, "runbooks"));
    writeFileSync(path.join(dir, "runbooks/new.md"), body("true"));
    const r = await staleJson(dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("not in a git repository");
    expect(r.json.runbooks[0]?.findings[0]?.kind).toBe("never-verified");
    const gh = await runMain(["stale", "--format", "github"], { cwd: dir });
    expect(gh.stdout).toMatch(/^::warning file=runbooks\/new\.md,line=1,col=1,title=runbook stale-never-verified::Never verified/);
  });

  it("records a drill that did every step, and not one that failed, saying why", async () => {
    const repo = await gitRepo();
    await repo.write("runbooks/drill.md", body('test "$(cat flag 2>/dev/null)" != fail'));
    await repo.commit("add drill");
    const env = { RUNBOOK_STATE_DIR: path.join(repo.dir, ".state"), RUNBOOK_OPERATOR: "drill-bot" };
    writeFileSync(path.join(repo.dir, "runbooks/flag"), "fail");
    const failed = await runMain(["run", "runbooks/drill.md", "--record"], { cwd: repo.dir, env });
    expect(failed.exitCode).toBe(1);
    expect(readFileSync(path.join(repo.dir, "runbooks/drill.md"), "utf8")).not.toContain("last_verified");
    const state = env.RUNBOOK_STATE_DIR;
    expect(journalEvents(state).at(-1)).toMatchObject({ type: "verification_skipped", reason: "the run failed" });

    writeFileSync(path.join(repo.dir, "runbooks/flag"), "ok");
    await repo.commit("flag ok");
    const { rm } = await import("node:fs/promises");
    await rm(state, { recursive: true });
    const passed = await runMain(["run", "runbooks/drill.md", "--record", "--commit"], { cwd: repo.dir, env });
    expect(passed.exitCode, passed.stderr).toBe(0);
    expect(passed.stdout).toContain("verification recorded");
    const text = readFileSync(path.join(repo.dir, "runbooks/drill.md"), "utf8");
    // The same identity as `runbook verify`: git's user.name before RUNBOOK_OPERATOR.
    expect(text).toMatch(/last_verified: \d{4}-\d{2}-\d{2}\nverified_by: Test Verifier\nverified_commit: [0-9a-f]{40}\n/);
    expect(await repo.git("log", "-1", "--format=%s")).toMatch(/^Verify drill\.md/);
  });
});

describe("runbook stale over real GOV.UK Tech Docs pages (last_reviewed_on + review_in)", () => {
  const MOJ = path.resolve(import.meta.dirname, "../fixtures/corpus-sample/ministryofjustice__cloud-platform");

  it("reports the overdue ones, for 12 months and 6 months alike", async () => {
    const r = await runMain(["stale", MOJ, "--as-of", "2026-11-27", "--format", "json"]);
    const j = JSON.parse(r.stdout) as StaleJson;
    expect(j.runbooks.length).toBe(7);
    for (const rb of j.runbooks) {
      const text = readFileSync(rb.file, "utf8");
      const last = /last_reviewed_on: (\S+)/.exec(text)?.[1];
      const months = Number(/review_in: (\d+) months?/.exec(text)?.[1]);
      expect(last, rb.file).toBeDefined();
      const due = new Date(`${last}T00:00:00Z`);
      due.setUTCMonth(due.getUTCMonth() + months);
      expect(rb.due, rb.file).toBe(due.toISOString().slice(0, 10));
      expect(rb.stale, rb.file).toBe(due < new Date("2026-11-27T00:00:00Z"));
    }
    const kinds = new Set(j.runbooks.map((x) => /review_in: (\d+)/.exec(readFileSync(x.file, "utf8"))?.[1]));
    expect(kinds).toEqual(new Set(["6", "12"]));
    expect(j.runbooks.some((x) => x.stale) && j.runbooks.some((x) => !x.stale)).toBe(true);
  });
});
