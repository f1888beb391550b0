import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

describe("runbook schema", () => {
  it("prints the committed runbook schema", async () => {
    const r = await runMain(["schema"]);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(await readFile(new URL("../../schemas/runbook.schema.json", import.meta.url), "utf8")));
  });
});

describe("runbook graph", () => {
  it("prints mermaid, dot and json for the demo", async () => {
    const mermaid = await runMain(["graph", "runbooks/demo-failover.md"]);
    expect(mermaid.exitCode).toBe(0);
    expect(mermaid.stdout).toMatch(/^flowchart TD\n/);
    expect(mermaid.stdout).toContain("s0 --> s1");
    const dot = await runMain(["graph", "runbooks/demo-failover.md", "--format", "dot"]);
    expect(dot.stdout).toContain('"start-lab" -> "check-lag";');
    const json = JSON.parse((await runMain(["graph", "runbooks/demo-failover.md", "-f", "json"])).stdout);
    expect(json.order).toEqual(["start-lab", "check-lag", "fence", "promote", "new-primary", "repoint", "check-writes"]);
    expect(json.steps.find((s: { id: string }) => s.id === "promote")).toMatchObject({ confirm: true, verify: true });
  });

  it("exits 1 on a file with no steps, saying why", async () => {
    const dir = await tempDir();
    await import("node:fs/promises").then((fs) => fs.writeFile(path.join(dir, "empty.md"), ""));
    const r = await runMain(["graph", "empty.md"], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("Empty file");
    expect(r.stderr).toContain("empty.md has lint errors");
  });

  it("exits 1 and names a cycle", async () => {
    const dir = await tempDir();
    await import("node:fs/promises").then((fs) => fs.writeFile(path.join(dir, "c.md"), "---\nid: c\nowner: o\n---\n## Steps\n### A {#a}\n```sh needs=b\ntrue\n```\n### B {#b}\n```sh needs=a\ntrue\n```\n"));
    const r = await runMain(["graph", "c.md"], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("Steps form a cycle: a → b → a");
  });

  // Issue 13, case 19: graph drew a wrong graph and exited 0 where lint finds errors.
  it("refuses (exit 1, with the lint findings, nothing on stdout) whatever lint finds as errors", async () => {
    const dir = await tempDir();
    const fs = await import("node:fs/promises");
    const cases: Record<string, [string, RegExp]> = {
      "dup.md": ["---\nid: d\nowner: o\n---\n## Steps\n### Check\n```sh\ntrue\n```\n### Check\n```sh\ntrue\n```\n", /10:1\s+error\s+Duplicate step id `check`/],
      "fence.md": ["---\nid: f\nowner: o\n---\n## Steps\n### A\n```sh\ntrue\n### B\nswallowed\n", /7:1\s+error\s+Code fence opened here is never closed/],
      "list.md": ["---\n- a\n- b\n---\n## Steps\n### A\n```sh\ntrue\n```\n", /error\s+Expected frontmatter to be a mapping/],
    };
    for (const [file, [text, finding]] of Object.entries(cases)) {
      await fs.writeFile(path.join(dir, file), text);
      const r = await runMain(["graph", file], { cwd: dir });
      expect(r.exitCode, file).toBe(1);
      expect(r.stdout, file).toBe("");
      expect(r.stderr, file).toMatch(finding);
      expect(r.stderr, file).toContain(`${file} has lint errors`);
    }
  });
});

describe("runbook new", () => {
  it("scaffolds a runbook that lints clean, and refuses to overwrite it", async () => {
    const dir = await tempDir();
    const r = await runMain(["new", "redis-failover", "--owner", "team-cache"], { cwd: dir });
    expect(r.exitCode).toBe(0);
    const text = await readFile(path.join(dir, "runbooks/redis-failover.md"), "utf8");
    expect(text).toMatch(/^---\nid: redis-failover\nowner: team-cache\n/);
    expect(text).toContain("# Redis failover");
    const lint = await runMain(["lint", "runbooks/redis-failover.md"], { cwd: dir });
    expect(lint.exitCode, lint.stdout).toBe(0);
    const again = await runMain(["new", "redis-failover"], { cwd: dir });
    expect(again).toMatchObject({ exitCode: 2, stderr: "runbook: runbooks/redis-failover.md already exists; not overwriting it\n" });
    expect((await runMain(["new", "Not_Kebab"], { cwd: dir })).exitCode).toBe(2);
  });

  it("fails with a message, not a hang, where a folder cannot be made (/proc)", async () => {
    const r = await runMain(["new", "x", "--dir", "/proc/no-such-folder"]);
    expect(r).toMatchObject({ exitCode: 2, stderr: "runbook: cannot create /proc/no-such-folder/x.md: ENOENT\n" });
  });
});

describe("runbook note, bad input", () => {
  it("refuses an empty note and one too long for a note, before looking for the run", async () => {
    const dir = await tempDir();
    expect(await runMain(["note", "last", "  "], { cwd: dir })).toMatchObject({ exitCode: 2, stderr: "runbook: the note is empty\n" });
    const long = await runMain(["note", "last", "x".repeat(16 * 1024 + 1)], { cwd: dir });
    expect([long.exitCode, long.stderr]).toEqual([2, "runbook: the note is 16385 bytes; a note holds at most 16384\nPut the long text in the ticket and leave its link in the note.\n"]);
  });
});
