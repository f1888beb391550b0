import { existsSync } from "node:fs";
import { cp, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { execa } from "execa";
import { InitializeRequest, ShutdownRequest, ExitNotification } from "vscode-languageserver-protocol";
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from "vscode-languageserver-protocol/node.js";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const UNTIDY = "---\nid: untidy\nowner: team-a\n---\n# Untidy\n## Steps\n### Write a file\n```sh\necho \"made by $RUNBOOK_STEP_ID\" > made.txt\n```\n";
const PAGE = "# Restart the cache\n\n1. Check it:\n\n```console\n$ redis-cli ping\nPONG\n```\n\n2. Restart it: `systemctl restart redis`\n";

/**
 * Packs the project as `npm publish` would, and installs the tarball as a user does, into a fresh
 * global prefix, with no network: the tarball is unpacked, its production dependencies installed by
 * `npm ci --omit=dev --offline` from the project's lockfile and the npm cache that the project's own
 * `npm ci` filled (a global `npm install tarball` resolves versions from registry metadata, which
 * `npm ci` never caches), and npm links it into the prefix with its `bin`.
 */
async function installPacked(work: string): Promise<{ bin: string; packed: string[]; installed: string }> {
  const pack = await execa("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: ROOT });
  const [info] = JSON.parse(String(pack.stdout)) as { filename: string; files: { path: string }[] }[];
  const unpacked = path.join(work, "package");
  await execa("tar", ["-xzf", path.join(work, info!.filename), "-C", work]);
  await cp(path.join(ROOT, "package-lock.json"), path.join(unpacked, "package-lock.json"));
  const offline = ["--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"];
  const ci = await execa("npm", ["ci", "--omit=dev", ...offline], { cwd: unpacked, reject: false });
  expect(ci.stderr, "the npm cache lacks a dependency: run `npm ci` in the project first").not.toMatch(/ERR/);
  const prefix = path.join(work, "prefix");
  const link = await execa("npm", ["install", "--global", "--prefix", prefix, ...offline, unpacked], { cwd: work, reject: false });
  expect([link.exitCode, link.stderr]).toEqual([0, ""]);
  return { bin: path.join(prefix, "bin/runbook"), packed: info!.files.map((f) => f.path), installed: unpacked };
}

describe("the npm package", () => {
  it("packs, installs into a fresh prefix without dev dependencies or the network, and every command works from a folder outside the repository", async () => {
    const work = await tempDir("runbook-pack-");
    const { bin, packed, installed } = await installPacked(work);
    expect(packed).toEqual(expect.arrayContaining(["dist/bundle/runbook.js", "dist/bundle/worker.js", "dist/cli/bin.js", "dist/editor/index.js", "dist/editor/index.d.ts", "schemas/runbook.schema.json", "runbooks/template.md", "README.md", "LICENSE"]));
    expect(packed.filter((f) => f.startsWith("test/") || f.startsWith("src/") || f.startsWith("node_modules/"))).toEqual([]);
    const deps = await readdir(path.join(installed, "node_modules"));
    expect(deps.filter((d) => ["eslint", "vitest", "typescript", "fast-check", "remark-cli"].includes(d))).toEqual([]);

    // A user's repository: its own git history, no node_modules, nothing of runbook's.
    const user = await tempDir("runbook-user-");
    const git = (...args: string[]) => execa("git", args, { cwd: user, env: { GIT_CONFIG_NOSYSTEM: "1" } });
    await git("init", "-q", "-b", "main");
    await git("config", "user.name", "Pat Oncall");
    await git("config", "user.email", "pat@example.com");
    await git("config", "commit.gpgsign", "false");
    const env = { PATH: process.env.PATH, HOME: user, CI: "true", NO_COLOR: "1", GIT_CONFIG_NOSYSTEM: "1", RUNBOOK_STATE_DIR: path.join(user, "state") };
    const runbook = async (args: string[], extra: Record<string, string> = {}) => {
      const r = await execa(bin, args, { cwd: user, env: { ...env, ...extra }, extendEnv: false, reject: false, stripFinalNewline: false, timeout: 60_000 });
      return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
    };
    const ok = async (args: string[], extra: Record<string, string> = {}) => {
      const r = await runbook(args, extra);
      expect(r.exitCode, `runbook ${args.join(" ")}: ${r.stderr}`).toBe(0);
      return r;
    };

    const version = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")).version as string;
    expect((await ok(["--version"])).stdout.trim()).toBe(version);

    expect((await ok(["new", "redis-failover", "--owner", "team-cache"])).stdout).toMatch(/^Created runbooks\/redis-failover\.md\n/);
    const lint = await ok(["lint", "runbooks", "--format", "json"]);
    expect(JSON.parse(lint.stdout).summary).toMatchObject({ files: 1, errors: 0 });
    // What `new` writes is already canonical.
    expect(await ok(["fmt", "--check", "runbooks"])).toMatchObject({ stdout: "" });
    await writeFile(path.join(user, "runbooks/untidy.md"), UNTIDY);
    expect((await ok(["fmt", "runbooks"])).stdout).toBe("runbooks/untidy.md\n");
    expect(await readFile(path.join(user, "runbooks/untidy.md"), "utf8")).toContain("### Write a file {#write-a-file}\n");
    // Two files on worker threads: dist/bundle/worker.js is found in the installed package.
    expect(JSON.parse((await ok(["lint", "runbooks", "--format", "json", "--no-cache"], { RUNBOOK_WORKERS: "2" })).stdout).summary.files).toBe(2);

    expect((await ok(["graph", "runbooks/redis-failover.md"])).stdout).toMatch(/^flowchart TD\n/);
    expect((await ok(["run", "runbooks/redis-failover.md", "--dry-run", "-p", "TARGET=db-1"])).stdout).toContain("nothing will run");
    const run = await ok(["run", "runbooks/redis-failover.md", "--yes", "-p", "TARGET=db-1"]);
    expect(run.stdout).toContain("changing db-1");
    await ok(["run", "runbooks/untidy.md", "--yes"]);
    // Blocks run in the runbook's folder.
    expect(await readFile(path.join(user, "runbooks/made.txt"), "utf8")).toBe("made by write-a-file\n");
    const runs = JSON.parse((await ok(["runs", "--format", "json"])).stdout) as unknown[];
    expect(runs).toHaveLength(2);
    expect((await ok(["log", "last"])).stdout).toMatch(/^Run \S+-untidy-\S+ of untidy \(runbooks\/untidy.md\)\n[^]*write-a-file done/);
    expect((await ok(["handoff"])).stdout).toMatch(/^# Handoff\n/);

    await git("add", "-A");
    await git("commit", "-q", "-m", "Runbooks");
    expect((await ok(["verify", "runbooks/redis-failover.md", "--commit"])).stdout).toMatch(/^Verified runbooks\/redis-failover\.md: .*verified_by Pat Oncall/);
    expect((await ok(["stale", "runbooks/redis-failover.md"])).stdout).toMatch(/1 runbook fresh/);

    await writeFile(path.join(user, "page.md"), PAGE);
    expect((await ok(["import", "page.md"])).stdout).toContain("```sh\nredis-cli ping\n```");
    expect(JSON.parse((await ok(["schema"])).stdout).$schema).toMatch(/json-schema/);
    expect((await ok(["rules"])).stdout).toContain("frontmatter-schema");

    // The language server answers initialize and exits cleanly on shutdown/exit.
    const server = execa(bin, ["lsp", "--stdio"], { cwd: user, env, extendEnv: false, reject: false });
    const connection = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    connection.listen();
    const init = await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(user).href, capabilities: {} });
    expect(init.capabilities.textDocumentSync).toBeTruthy();
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    expect((await server).exitCode).toBe(0);
    connection.dispose();

    expect(existsSync(path.join(user, "state/runs"))).toBe(true);
  }, 240_000);
});
