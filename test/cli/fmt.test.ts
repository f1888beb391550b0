import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const MESSY = "---\nid: messy\nowner:   team-a\n---\n# Messy\nIntro with *emphasis* and a list:\n* one\n* two\n## Steps\n### Check the lag\n```sh\ntrue\n```\n";
const TIDY = "---\nid: tidy\nowner: team-a\n---\n\n# Tidy\n\n## Steps\n\n### Check {#check}\n\n```sh\ntrue\n```\n";

describe("runbook fmt", () => {
  it("leaves the bundled runbooks as they are: the demo, the PostgreSQL failover, the pooler repoint, and the template `new` copies", async () => {
    const r = await runMain(["fmt", "--check", "runbooks"]);
    expect(r.stdout, "run `node dist/bundle/runbook.js fmt runbooks`").toBe("");
    expect([r.exitCode, r.stderr]).toEqual([0, "0 of 4 files would be reformatted\n"]);
  });

  it("--check lists what would change and exits 1; fmt rewrites it; --check then exits 0", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "messy.md"), MESSY, { mode: 0o640 });
    await writeFile(path.join(dir, "tidy.md"), TIDY);

    const check = await runMain(["fmt", "--check", "."], { cwd: dir });
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toBe("messy.md\n");
    expect(check.stderr).toBe("1 of 2 files would be reformatted\n");
    expect(await readFile(path.join(dir, "messy.md"), "utf8")).toBe(MESSY);

    const write = await runMain(["fmt", "."], { cwd: dir });
    expect(write.exitCode).toBe(0);
    expect(write.stdout).toBe("messy.md\n");
    const formatted = await readFile(path.join(dir, "messy.md"), "utf8");
    expect(formatted).toBe("---\nid: messy\nowner:   team-a\n---\n\n# Messy\n\nIntro with *emphasis* and a list:\n\n- one\n- two\n\n## Steps\n\n### Check the lag {#check-the-lag}\n\n```sh\ntrue\n```\n");
    expect((await stat(path.join(dir, "messy.md"))).mode & 0o777).toBe(0o640);

    const again = await runMain(["fmt", "--check", "."], { cwd: dir });
    expect([again.exitCode, again.stdout]).toEqual([0, ""]);
  });

  it("leaves a file with a fence that never closes alone, says where, and exits 2 after the others", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "broken.md"), "---\nid: b\nowner: t\n---\n# B\n## Steps\n### A\n```sh\ntrue\n");
    await writeFile(path.join(dir, "messy.md"), MESSY);
    const r = await runMain(["fmt", "."], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("broken.md:8:1: not formatted: ");
    expect(r.stdout).toBe("messy.md\n");
    expect(await readFile(path.join(dir, "broken.md"), "utf8")).toContain("```sh\ntrue\n");
  });
});
