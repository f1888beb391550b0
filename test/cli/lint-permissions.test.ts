import { chmod, cp } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { ROOT, runMain } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { GOOD, project } from "../helpers/project.js";

// In the E2E list of vitest.config.ts: as root, the built CLI runs as `nobody` (the rest of lint.test.ts runs in process).

/**
 * node and the built CLI where `nobody` can read them: a clone in a private folder (root's home,
 * 0700) is not, so the bundle (self-contained but for package.json) is copied to a temp folder open
 * to all, and node too if nobody cannot run the one running the tests.
 */
async function cliNobodyCanRun(): Promise<[string, string]> {
  const dir = await tempDir("runbook-for-nobody-");
  await cp(path.join(ROOT, "dist/bundle"), path.join(dir, "dist/bundle"), { recursive: true });
  await cp(path.join(ROOT, "package.json"), path.join(dir, "package.json"));
  const canRun = (await execa("runuser", ["-u", "nobody", "--", process.execPath, "--version"], { reject: false })).exitCode === 0;
  const node = canRun ? process.execPath : path.join(dir, "node");
  if (!canRun) await cp(process.execPath, node);
  await execa("chmod", ["-R", "a+rX", dir]);
  return [node, path.join(dir, "dist/bundle/runbook.js")];
}

describe("runbook lint", () => {
  it("exits 2 on a file without read permission, after reporting the others", async () => {
    const cwd = await project({ "runbooks/good.md": GOOD, "runbooks/locked.md": GOOD.replace("id: good", "id: locked") });
    await chmod(path.join(cwd, "runbooks/locked.md"), 0o000);
    // Root reads any file whatever its mode bits: as root (CI), run the CLI as `nobody`.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) await chmod(cwd, 0o755);
    const r = asRoot
      ? await execa("runuser", ["-u", "nobody", "--", ...(await cliNobodyCanRun()), "lint"], { cwd, env: { NO_COLOR: "1" }, reject: false })
      : await runMain(["lint"], { cwd });
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain("Cannot read runbooks/locked.md: permission denied");
    expect(String(r.stdout)).toContain("1 runbook checked, no problems");
  });
});
