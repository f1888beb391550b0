import { symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "../helpers/cli.js";
import { GOOD, project } from "../helpers/project.js";

describe("runbook lint", () => {
  it("lints runbooks/ by default and exits 0 when clean", async () => {
    const cwd = await project({ "runbooks/good.md": GOOD });
    const r = await runMain(["lint"], { cwd });
    expect(r).toMatchObject({ exitCode: 0, stderr: "" });
    expect(r.stdout).toContain("1 runbook checked, no problems");
  });

  it("exits 1 on error findings, printing file:line:col and the rule", async () => {
    const cwd = await project({ "runbooks/bad.md": GOOD.replace("owner: team", "ownr: team") });
    const r = await runMain(["lint"], { cwd });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/runbooks\/bad\.md\n {2}3:1 +error +Unknown key `ownr` \(did you mean `owner`\?\) +frontmatter-schema/);
  });

  it("exits 2 on a bad flag, a missing path and a pattern that matches nothing", async () => {
    const cwd = await project({ "runbooks/good.md": GOOD });
    for (const args of [["lint", "--frobnicate"], ["lint", "--format", "xml"], ["lint", "missing.md"], ["lint", "nothing/**/*.md"], ["lint", "--max-warnings", "many"]]) {
      const r = await runMain(args, { cwd });
      expect(r.exitCode, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).not.toMatch(/\n\s+at /);
      expect(r.stderr.length).toBeGreaterThan(0);
    }
  });

  it("exits 2 when a named file cannot be read, after reporting the others", async () => {
    const cwd = await project({ "runbooks/good.md": GOOD });
    await symlink(path.join(cwd, "nowhere.md"), path.join(cwd, "runbooks/dangling.md"));
    const r = await runMain(["lint", "runbooks/good.md", "runbooks/dangling.md"], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("runbook: No such file or folder: runbooks/dangling.md\n");
  });

  it("applies --max-warnings and --quiet", async () => {
    const cwd = await project({ "runbooks/w.md": "---\nid: w\nowner: t\nlast_verified: 2026-11-01\nreview_every: 100 years\n---\n## Steps\n### A\nx\n" });
    expect((await runMain(["lint"], { cwd })).exitCode).toBe(0);
    expect((await runMain(["lint", "--max-warnings", "0"], { cwd })).exitCode).toBe(1);
    expect((await runMain(["lint", "--quiet"], { cwd })).stdout).toContain("no problems");
  });

  it("reads rule severities from runbook.config.yaml and rejects an unknown rule there", async () => {
    const cwd = await project({ "runbooks/w.md": "---\nid: w\nowner: t\n---\n## Steps\n### A\nx\n", "runbook.config.yaml": "rules:\n  title-present: error\n" });
    expect((await runMain(["lint"], { cwd })).exitCode).toBe(1);
    await writeFile(path.join(cwd, "runbook.config.yaml"), "rules:\n  title-presnt: off\n");
    const r = await runMain(["lint"], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("runbook: runbook.config.yaml:2:3: Unknown rule `title-presnt` (did you mean `title-present`?)\n");
  });

  it("reports two runbooks with the same id", async () => {
    const cwd = await project({ "runbooks/a.md": GOOD, "runbooks/b.md": GOOD });
    const r = await runMain(["lint", "--format", "json"], { cwd });
    const j = JSON.parse(r.stdout);
    expect(j.files[1].diagnostics.find((d: { ruleId: string }) => d.ruleId === "runbook-id-unique")).toMatchObject({ line: 2, column: 5 });
  });

  it("prints help for every command", async () => {
    for (const cmd of ["lint", "schema", "graph", "new", "rules", "run", "resume", "rollback", "runs", "log", "verify", "stale"]) {
      const r = await runMain([cmd, "--help"]);
      expect(r.exitCode, cmd).toBe(0);
      expect(r.stdout, cmd).toContain(`Usage: runbook ${cmd}`);
    }
  });
});

describe("bad input gets a diagnostic with a position, never a crash", () => {
  const cases: Record<string, string | Buffer> = {
    "malformed-yaml.md": "---\nid: x\nowner: [unclosed\n---\n## Steps\n",
    "binary.md": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x1a, 0x0a, 0xff, 0xfe]),
    "empty.md": "",
    "crlf.md": GOOD.replace(/\n/g, "\r\n").replace("owner: team", "ownr: team"),
    "unclosed-fence.md": `${GOOD}### B\n\`\`\`sh\necho never closed\n`,
    "list-frontmatter.md": "---\n- id\n- owner\n---\n## Steps\n",
    "scalar-frontmatter.md": "---\njust text\n---\n## Steps\n",
    "only-dashes.md": "---\n",
    "huge.md": `${GOOD}${"### Step\n```sh\necho \"$X\"\n```\nSome prose that goes on for a while.\n".repeat(80_000)}`.slice(0, 5_000_000),
  };

  it("handles each one", async () => {
    const cwd = await project(Object.fromEntries(Object.entries(cases).map(([k, v]) => [`runbooks/${k}`, v])));
    const r = await runMain(["lint", "--format", "json"], { cwd });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("");
    const j = JSON.parse(r.stdout) as { files: Array<{ file: string; diagnostics: Array<{ line: number; column: number; message: string; ruleId: string }> }> };
    const byName = Object.fromEntries(j.files.map((f) => [path.basename(f.file), f.diagnostics]));
    for (const name of Object.keys(cases)) {
      const ds = byName[name] ?? [];
      expect(ds.length, name).toBeGreaterThan(0);
      for (const d of ds) {
        expect(d.line, name).toBeGreaterThanOrEqual(1);
        expect(d.column, name).toBeGreaterThanOrEqual(1);
      }
    }
    expect(byName["malformed-yaml.md"]?.find((d) => d.ruleId === "yaml-syntax")).toMatchObject({ line: 3 });
    expect(byName["binary.md"]?.[0]?.message).toBe("Binary file: expected Markdown text");
    expect(byName["empty.md"]?.[0]?.message).toMatch(/^Empty file/);
    expect(byName["crlf.md"]?.find((d) => d.ruleId === "frontmatter-schema")).toMatchObject({ line: 3, column: 1, message: "Unknown key `ownr` (did you mean `owner`?)" });
    expect(byName["unclosed-fence.md"]?.find((d) => d.ruleId === "fence-terminated")).toMatchObject({ line: 12 });
    expect(byName["list-frontmatter.md"]?.find((d) => d.ruleId === "frontmatter-schema")).toMatchObject({ line: 2, message: "Expected frontmatter to be a mapping of keys (`id: …`), found a list" });
    expect(byName["huge.md"]?.[0]?.message).toMatch(/^File is too large \(4\.8 MiB\)/);
  });
});
