import { existsSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const RUNBOOK = "---\nid: packed\nowner: team-a\n---\n# Packed\n\n## Steps\n### Write a file {#write}\n```sh\necho \"made by $RUNBOOK_STEP_ID\" > made.txt\n```\n";

describe("the npm package", () => {
  it("packs, installs globally into a fresh prefix without dev dependencies, and runs --version, lint and run from another folder", async () => {
    const work = await tempDir("runbook-pack-");
    // `npm test` has just built dist/; packing again must not need the dev toolchain.
    const pack = await execa("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: ROOT });
    const [info] = JSON.parse(String(pack.stdout)) as { filename: string; size: number; files: { path: string }[] }[];
    const packed = info!.files.map((f) => f.path);
    expect(packed).toEqual(expect.arrayContaining(["dist/bundle/runbook.js", "dist/bundle/worker.js", "dist/cli/bin.js", "dist/remark/index.js", "dist/remark/index.d.ts", "schemas/runbook.schema.json", "runbooks/template.md", "README.md", "LICENSE"]));
    expect(packed.filter((f) => f.startsWith("test/") || f.startsWith("src/") || f.startsWith("node_modules/"))).toEqual([]);

    const prefix = path.join(work, "prefix");
    const install = await execa("npm", ["install", "--global", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", path.join(work, info!.filename)], { cwd: work, reject: false });
    expect(install.stderr).not.toMatch(/ERR!/);
    expect(install.exitCode).toBe(0);
    const installed = path.join(prefix, "lib/node_modules/runbook");
    const deps = await readdir(path.join(installed, "node_modules"));
    expect(deps.filter((d) => ["eslint", "vitest", "typescript", "fast-check", "remark-cli"].includes(d))).toEqual([]);

    const bin = path.join(prefix, "bin/runbook");
    const elsewhere = await tempDir("runbook-user-");
    await writeFile(path.join(elsewhere, "packed.md"), RUNBOOK);
    const env = { PATH: process.env.PATH, HOME: elsewhere, CI: "true", NO_COLOR: "1", RUNBOOK_STATE_DIR: path.join(elsewhere, "state") };
    const version = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")).version as string;
    expect(String((await execa(bin, ["--version"], { cwd: elsewhere, env, extendEnv: false })).stdout).trim()).toBe(version);

    const lint = await execa(bin, ["lint", "packed.md", "--format", "json"], { cwd: elsewhere, env, extendEnv: false, reject: false });
    expect(lint.exitCode).toBe(0);
    expect(JSON.parse(String(lint.stdout)).summary.files).toBe(1);

    const run = await execa(bin, ["run", "packed.md", "--yes"], { cwd: elsewhere, env, extendEnv: false, reject: false });
    expect(run.exitCode).toBe(0);
    expect(await readFile(path.join(elsewhere, "made.txt"), "utf8")).toBe("made by write\n");
    expect(existsSync(path.join(elsewhere, "state/runs"))).toBe(true);
  }, 240_000);
});
