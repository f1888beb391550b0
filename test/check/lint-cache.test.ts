import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cacheSalt, LintCache } from "../../src/check/batch/lint-cache.js";
import type { LintOutcome } from "../../src/check/batch/protocol.js";
import { runMain } from "../helpers/cli.js";
import { markCache } from "../helpers/lint-cache.js";
import { gitRepo } from "../helpers/git.js";
import { tempDir } from "../helpers/tmp.js";

const runbook = (id: string, extra = "") => `---\nid: ${id}\nowner: team\n${extra}---\n# ${id}\n## Steps\n### Look\nLook at it.\n`;
const CACHE = ".runbook/cache/lint-cache.jsonl";

async function project(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  await mkdir(path.join(dir, ".git"));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const lint = (cwd: string, args: string[] = [], env: Record<string, string> = {}) => runMain(["lint", "--format", "json", ...args], { cwd, env });
const messages = (stdout: string) =>
  Object.fromEntries((JSON.parse(stdout) as { files: Array<{ file: string; diagnostics: Array<{ message: string }> }> }).files.map((f) => [f.file, f.diagnostics.map((d) => d.message)]));
const cachedFiles = (stdout: string) => Object.entries(messages(stdout)).filter(([, ms]) => ms.some((m) => m.startsWith("CACHED "))).map(([f]) => f);

describe("the lint cache", () => {
  it("gives byte for byte the report of a run without it, cold and warm, over the committed fixtures", async () => {
    const where = path.join(await tempDir(), "cache.jsonl");
    for (const format of ["stylish", "json", "github", "sarif"]) {
      const args = ["lint", "test/fixtures", "runbooks", "--format", format, "--as-of", "2026-11-27"];
      const none = await runMain([...args, "--no-cache"]);
      const cold = await runMain([...args, "--cache-location", where]);
      const warm = await runMain([...args, "--cache-location", where]);
      for (const r of [cold, warm]) {
        expect(r.stdout, format).toBe(none.stdout);
        expect(r.stderr, format).toBe(none.stderr);
        expect(r.exitCode, format).toBe(none.exitCode);
      }
    }
    expect((await readFile(where, "utf8")).split("\n").length).toBeGreaterThan(40);
  });

  it("lives in the state folder, which ignores itself in git, and answers a second run", async () => {
    const cwd = await project({ "runbooks/a.md": runbook("a"), "runbooks/b.md": runbook("b") });
    const cold = await lint(cwd);
    expect(cold.exitCode).toBe(0);
    expect(await readFile(path.join(cwd, ".runbook/.gitignore"), "utf8")).toContain("*\n");
    await markCache(path.join(cwd, CACHE));
    const warm = await lint(cwd);
    expect(cachedFiles(warm.stdout)).toEqual(["runbooks/a.md", "runbooks/b.md"]);
    expect(warm.exitCode).toBe(0);
  });

  it("lints a changed file again, and only that one", async () => {
    const cwd = await project({ "runbooks/a.md": runbook("a"), "runbooks/b.md": runbook("b") });
    await lint(cwd);
    await markCache(path.join(cwd, CACHE));
    await writeFile(path.join(cwd, "runbooks/b.md"), runbook("b").replace("Look at it.", "Look at it twice."));
    expect(cachedFiles((await lint(cwd)).stdout)).toEqual(["runbooks/a.md"]);
  });

  it("lints everything again when the config changes what results hold", async () => {
    const cwd = await project({ "runbooks/a.md": runbook("a") });
    await lint(cwd);
    await markCache(path.join(cwd, CACHE));
    await writeFile(path.join(cwd, "runbook.config.yaml"), "rules:\n  title-present: error\n");
    const r = await lint(cwd);
    expect(cachedFiles(r.stdout)).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  it("does not use what another version of runbook (or another config) wrote", async () => {
    const dir = await tempDir();
    const where = { file: path.join(dir, "c.jsonl"), makeFolder: () => undefined };
    const outcome: LintOutcome = { kind: "lint", diagnostics: [], deps: {} };
    const v1 = cacheSalt("1.0.0", {});
    expect(cacheSalt("1.0.1", {})).not.toBe(v1);
    expect(cacheSalt("1.0.0", { rules: { "title-present": "off" } })).not.toBe(v1);
    expect(cacheSalt("1.0.0", { review_every: "30d" })).not.toBe(v1);
    const first = await LintCache.open(where, dir, v1);
    const key = first.keyOf("a.md", Buffer.from("text"));
    first.set("a.md", key, outcome);
    await first.save();
    expect((await LintCache.open(where, dir, v1)).get("a.md", key)).toEqual(outcome);
    const other = await LintCache.open(where, dir, cacheSalt("1.0.1", {}));
    expect(other.get("a.md", other.keyOf("a.md", Buffer.from("text")))).toBeUndefined();
    // Same bytes under another name, or other bytes under the same name: another key.
    expect(first.keyOf("b.md", Buffer.from("text"))).not.toBe(key);
    expect(first.keyOf("a.md", Buffer.from("text!"))).not.toBe(key);
  });

  it("is neither read nor written with --no-cache", async () => {
    const cwd = await project({ "runbooks/a.md": runbook("a") });
    await lint(cwd);
    await markCache(path.join(cwd, CACHE));
    const before = await readFile(path.join(cwd, CACHE), "utf8");
    await writeFile(path.join(cwd, "runbooks/b.md"), runbook("b"));
    const r = await lint(cwd, ["--no-cache"]);
    expect(cachedFiles(r.stdout)).toEqual([]);
    expect(Object.keys(messages(r.stdout))).toEqual(["runbooks/a.md", "runbooks/b.md"]);
    expect(await readFile(path.join(cwd, CACHE), "utf8")).toBe(before);
  });

  it("ignores a corrupt cache file, or a torn line, and writes a good one", async () => {
    const cwd = await project({ "runbooks/a.md": runbook("a"), "runbooks/b.md": runbook("b") });
    const cold = await lint(cwd, ["--no-cache"]);
    await lint(cwd);
    await markCache(path.join(cwd, CACHE));
    // The last entry torn in half: that file is linted again, the other still comes from the cache.
    const text = await readFile(path.join(cwd, CACHE), "utf8");
    await writeFile(path.join(cwd, CACHE), text.slice(0, text.trimEnd().length - 20));
    expect(cachedFiles((await lint(cwd)).stdout)).toEqual(["runbooks/a.md"]);

    await writeFile(path.join(cwd, CACHE), Buffer.from([0x00, 0xff, 0x7b, 0x22, 0x0a, 0x09, 0x09, 0x7b]));
    const r = await lint(cwd);
    expect(r.stdout).toBe(cold.stdout);
    expect(r.exitCode).toBe(cold.exitCode);
    expect((await readFile(path.join(cwd, CACHE), "utf8")).split("\n")[0]).toMatch(/^\{"runbookLintCache":1,/);
    await markCache(path.join(cwd, CACHE));
    expect(cachedFiles((await lint(cwd)).stdout)).toEqual(["runbooks/a.md", "runbooks/b.md"]);
  });

  it("goes where --cache-location says: a file, or a folder to hold it", async () => {
    const cwd = await project({ "runbooks/a.md": runbook("a") });
    await lint(cwd, ["--cache-location", "ci-cache/lint.jsonl"]);
    expect(existsSync(path.join(cwd, "ci-cache/lint.jsonl"))).toBe(true);
    await mkdir(path.join(cwd, "folder"));
    await lint(cwd, ["--cache-location", "folder"]);
    expect(existsSync(path.join(cwd, "folder/lint-cache.jsonl"))).toBe(true);
    await markCache(path.join(cwd, "folder/lint-cache.jsonl"));
    expect(cachedFiles((await lint(cwd, ["--cache-location", "folder/"])).stdout)).toEqual(["runbooks/a.md"]);
    expect(existsSync(path.join(cwd, ".runbook"))).toBe(false);
  });

  it("keeps working where the cache cannot be written", async () => {
    const cwd = await project({ "runbooks/a.md": runbook("a") });
    await writeFile(path.join(cwd, "not-a-folder"), "");
    const r = await lint(cwd, ["--cache-location", "not-a-folder/cache.jsonl"]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("checks a result that looked at the date against today, and one that did not, not", async () => {
    const cwd = await project({ "runbooks/due.md": runbook("due", "last_verified: 2026-11-01\nreview_every: 30d\n"), "runbooks/never.md": runbook("never") });
    await lint(cwd, ["--as-of", "2026-11-02"]);
    await markCache(path.join(cwd, CACHE));
    expect(cachedFiles((await lint(cwd, ["--as-of", "2026-11-02"])).stdout)).toEqual(["runbooks/never.md"]);
    await markCache(path.join(cwd, CACHE));
    const later = await lint(cwd, ["--as-of", "2026-12-05"]);
    expect(cachedFiles(later.stdout)).toEqual(["runbooks/never.md"]);
    expect(messages(later.stdout)["runbooks/due.md"]).toEqual([expect.stringMatching(/^Overdue: .*4 days late$/)]);
  });

  it("checks a result that looked up commands against this PATH", async () => {
    const cwd = await project({ "runbooks/tool.md": runbook("tool", "last_verified: 2026-11-01\nreview_every: 100 years\nrequires: [my-tool-xyz]\n") });
    const bin = path.join(cwd, "bin");
    // Off CI: there requires-installed is off unless the config names it.
    const first = await lint(cwd, [], { PATH: `${process.env.PATH}`, CI: "" });
    expect(messages(first.stdout)["runbooks/tool.md"]).toEqual(["Required command `my-tool-xyz` is not on PATH"]);
    await markCache(path.join(cwd, CACHE));
    expect(cachedFiles((await lint(cwd, [], { PATH: `${process.env.PATH}`, CI: "" })).stdout)).toEqual(["runbooks/tool.md"]);
    await mkdir(bin);
    await writeFile(path.join(bin, "my-tool-xyz"), "#!/bin/sh\n");
    await chmod(path.join(bin, "my-tool-xyz"), 0o755);
    const withTool = await lint(cwd, [], { PATH: `${bin}:${process.env.PATH}`, CI: "" });
    expect(messages(withTool.stdout)["runbooks/tool.md"]).toEqual([]);
  });

  it("keeps results apart for other severities: CI's defaults and --rule", async () => {
    const cwd = await project({ "runbooks/tool.md": runbook("tool", "last_verified: 2026-11-01\nreview_every: 100 years\nrequires: [my-tool-xyz]\n") });
    const missing = "Required command `my-tool-xyz` is not on PATH";
    const tool = async (args: string[], env: Record<string, string>) => messages((await lint(cwd, args, env)).stdout)["runbooks/tool.md"];
    expect(await tool([], { CI: "" })).toEqual([missing]);
    await markCache(path.join(cwd, CACHE));
    // On CI requires-installed is off: what was linted off CI does not answer there.
    expect(await tool([], { CI: "true" })).toEqual([]);
    expect(await tool([], { CI: "" })).toEqual([missing]);
    await markCache(path.join(cwd, CACHE));
    expect(await tool(["--rule", "requires-installed=off"], { CI: "" })).toEqual([]);
    const asError = await lint(cwd, ["--rule", "requires-installed=error"], { CI: "" });
    expect(asError.exitCode).toBe(1);
    expect(messages(asError.stdout)["runbooks/tool.md"]).toEqual([missing]);
  });

  it("checks a result that read git history against the history now", async () => {
    const repo = await gitRepo();
    // A prompt in the command: a warning every run gives, for markCache to mark.
    await repo.write("runbooks/db.md", "---\nid: db\nowner: team\nreview_every: 30d\n---\n# DB\n## Steps\n### Restart {#restart}\n```sh\n$ systemctl restart db\n```\n");
    await repo.commit("add", "2026-11-01T10:00:00Z");
    expect((await runMain(["verify", "runbooks/db.md", "--date", "2026-11-02", "--commit"], { cwd: repo.dir })).exitCode).toBe(0);
    const verified = await readFile(path.join(repo.dir, "runbooks/db.md"), "utf8");
    const args = ["--as-of", "2026-11-10"];
    expect(messages((await lint(repo.dir, args)).stdout)["runbooks/db.md"]).toHaveLength(1);
    await markCache(path.join(repo.dir, CACHE));

    // A commit that does not touch the runbook leaves its history, and its cached result, as they were.
    await repo.write("notes.txt", "unrelated\n");
    await repo.commit("unrelated", "2026-11-03T00:00:00Z");
    expect(cachedFiles((await lint(repo.dir, args)).stdout)).toEqual(["runbooks/db.md"]);

    // The same bytes as cached, but two commits on the file since: linted again (and still fresh).
    await repo.write("runbooks/db.md", verified.replace("restart db", "restart db --now"));
    await repo.commit("restart faster", "2026-11-04T00:00:00Z");
    await repo.write("runbooks/db.md", verified);
    await repo.commit("back to the verified steps", "2026-11-05T00:00:00Z");
    const after = await lint(repo.dir, args);
    expect(cachedFiles(after.stdout)).toEqual([]);
    expect(messages(after.stdout)["runbooks/db.md"]).toEqual([expect.stringMatching(/prompt/i)]);

    await repo.write("runbooks/db.md", verified.replace("restart db", "restart db --now"));
    const changed = await lint(repo.dir, args);
    // The first commit after the verified one that changed the steps is named.
    expect(messages(changed.stdout)["runbooks/db.md"]).toContainEqual(expect.stringMatching(/^Steps changed since verified: [0-9a-f]{8} \(2026-11-04: restart faster\)/));
  });
});
