import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const RUNBOOK = "---\nid: tool\nowner: team\nlast_verified: 2026-11-01\nreview_every: 100 years\nrequires: [my-tool-xyz]\n---\n# Tool\n## Steps\n### Look\nLook at it.\n";

/**
 * `requires-installed` looks commands up on PATH once per call of `main`, never once per process:
 * an editor or a test runner calls `main` many times, and a command installed in between is found
 * (and one removed is missed) with the very same PATH.
 */
describe("PATH lookups of lint", () => {
  it("answer each call of main afresh: the same PATH, a command installed then removed between calls", async () => {
    const cwd = await tempDir();
    await mkdir(path.join(cwd, ".git"));
    await mkdir(path.join(cwd, "runbooks"));
    await writeFile(path.join(cwd, "runbooks/tool.md"), RUNBOOK);
    const bin = path.join(cwd, "bin");
    await mkdir(bin);
    const env = { PATH: `${bin}:${process.env.PATH}`, CI: "" };
    const found = async () => {
      const r = await runMain(["lint", "--no-cache", "--format", "json"], { cwd, env: { ...env, RUNBOOK_WORKERS: "0" } });
      return (JSON.parse(r.stdout) as { files: Array<{ diagnostics: Array<{ message: string }> }> }).files.flatMap((f) => f.diagnostics.map((d) => d.message));
    };
    const missing = ["Required command `my-tool-xyz` is not on PATH"];
    expect(await found()).toEqual(missing);
    await writeFile(path.join(bin, "my-tool-xyz"), "#!/bin/sh\n");
    await chmod(path.join(bin, "my-tool-xyz"), 0o755);
    expect(await found()).toEqual([]);
    await chmod(path.join(bin, "my-tool-xyz"), 0o644);
    expect(await found()).toEqual(missing);
  });
});
