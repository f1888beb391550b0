import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { setFrontmatterFields } from "../../src/authoring/frontmatter-edit.js";
import { runMain } from "../helpers/cli.js";
import { gitRepo } from "../helpers/git.js";
import { fence } from "../helpers/runbooks.js";

const RUNBOOK = `---
# Owned by the database team; page them first.
id: db-restart
owner: "team-db"   # quoted on purpose
tags: [db,   postgres]
review_every: 30d
params:
  HOST: {description: 'the host', default: db-1}
---
# Restart the database

## Steps
### Restart {#restart}
Restart it gently.
${fence("sh", 'echo "restart $HOST"')}`;

const diffLines = (a: string, b: string) => {
  const x = a.split("\n");
  const y = b.split("\n");
  return { removed: x.filter((l) => !y.includes(l)), added: y.filter((l) => !x.includes(l)) };
};

describe("runbook verify", () => {
  it("adds exactly three lines and leaves every other byte alone", async () => {
    const repo = await gitRepo();
    await repo.write("runbooks/db.md", RUNBOOK);
    const head = await repo.commit("add runbook");
    const r = await runMain(["verify", "runbooks/db.md", "--date", "2026-11-20"], { cwd: repo.dir });
    expect(r.exitCode, r.stderr).toBe(0);
    const after = readFileSync(path.join(repo.dir, "runbooks/db.md"), "utf8");
    const fmEnd = RUNBOOK.indexOf("\n---\n# Restart");
    expect(after).toBe(`${RUNBOOK.slice(0, fmEnd)}\nlast_verified: 2026-11-20\nverified_by: Test Verifier\nverified_commit: ${head}${RUNBOOK.slice(fmEnd)}`);
    expect(diffLines(RUNBOOK, after)).toEqual({ removed: [], added: ["last_verified: 2026-11-20", "verified_by: Test Verifier", `verified_commit: ${head}`] });
  });

  it("updates the three lines in place on the next verification, keeping comments and aliases", () => {
    const text = "---\r\nid: x # id\r\nowner: o\r\nlast_reviewed_on: 2024-01-02 # by hand\r\nverified_by: 'Old Name'\r\nreview_in: 6 months\r\n---\r\n# X\r\n";
    const out = setFrontmatterFields(text, [
      [["last_verified", "last_reviewed_on"], "2026-11-27"],
      [["verified_by"], "New Name"],
      [["verified_commit"], "0123456789abcdef0123456789abcdef01234567"],
    ]);
    expect(out).toBe("---\r\nid: x # id\r\nowner: o\r\nlast_reviewed_on: 2026-11-27 # by hand\r\nverified_by: New Name\r\nverified_commit: 0123456789abcdef0123456789abcdef01234567\r\nreview_in: 6 months\r\n---\r\n# X\r\n");
  });

  it("quotes a name that YAML would read differently", () => {
    const out = setFrontmatterFields("---\nid: x\nowner: o\n---\n", [[["verified_by"], "O'Neil: on call"]]);
    expect(out).toBe('---\nid: x\nowner: o\nverified_by: "O\'Neil: on call"\n---\n');
  });

  it("--commit commits just that file, and refuses a file with other uncommitted changes", async () => {
    const repo = await gitRepo();
    await repo.write("runbooks/db.md", RUNBOOK);
    await repo.write("other.txt", "x");
    await repo.commit("add");
    await repo.write("other.txt", "changed, not committed");
    const r = await runMain(["verify", "runbooks/db.md", "--commit", "--by", "alice"], { cwd: repo.dir });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await repo.git("log", "-1", "--format=%s", "--name-only")).toMatch(/^Verify db\.md: \d{4}-\d{2}-\d{2} by alice\n\nrunbooks\/db\.md$/);
    expect(await repo.git("status", "--porcelain")).toBe(" M other.txt");

    writeFileSync(path.join(repo.dir, "runbooks/db.md"), `${readFileSync(path.join(repo.dir, "runbooks/db.md"), "utf8")}\nmore prose\n`);
    const dirty = await runMain(["verify", "runbooks/db.md", "--commit"], { cwd: repo.dir });
    expect(dirty.exitCode).toBe(2);
    expect(dirty.stderr).toContain("has uncommitted changes");
  });
});
