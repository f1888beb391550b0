import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../helpers/cli.js";
import { gitRepo } from "../helpers/git.js";
import { tempDir } from "../helpers/tmp.js";

interface Step { name: string; id?: string; if?: string; shell?: string; run?: string; uses?: string; env?: Record<string, string>; with?: Record<string, string> }
interface Action { inputs: Record<string, { default: string }>; outputs: Record<string, { value: string }>; runs: { using: string; steps: Step[] } }

const runbook = (id: string, body: string) => `---\nid: ${id}\nowner: team-a\n---\n# ${id}\n\n## Steps\n### Go {#go}\n\`\`\`sh\n${body}\n\`\`\`\n`;

/** What a run can see: the action's inputs, earlier steps' outputs, and the `github` context. */
interface Context {
  inputs: Record<string, string>;
  steps: Record<string, Record<string, string>>;
  github: Record<string, string>;
}

/** `${{ … }}` as GitHub evaluates it, for the only expressions the action uses: inputs, step outputs and `github.*`. */
function evaluate(expr: string, ctx: Context): string {
  return expr.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, ref: string) => lookup(ref, ctx));
}

function lookup(ref: string, ctx: Context): string {
  const m = /^(?:inputs\.([\w-]+)|steps\.([\w-]+)\.outputs\.([\w-]+)|github\.(\w+))$/.exec(ref);
  if (!m) throw new Error(`the test does not understand the expression \`${ref}\``);
  if (m[1]) return ctx.inputs[m[1]] ?? "";
  if (m[2]) return ctx.steps[m[2]]?.[m[3]!] ?? "";
  return ctx.github[m[4]!] ?? "";
}

function condition(expr: string | undefined, ctx: Context): boolean {
  if (expr === undefined) return true;
  const m = /^(\S+) (==|!=) '([^']*)'$/.exec(expr.trim());
  if (!m) throw new Error(`the test does not understand the condition \`${expr}\``);
  return (lookup(m[1]!, ctx) === m[3]) === (m[2] === "==");
}

/** `name=value` lines and `name<<DELIMITER` blocks, as the runner reads $GITHUB_OUTPUT. */
function readOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const block = /^([\w-]+)<<(.+)$/.exec(line);
    if (block) {
      const end = lines.indexOf(block[2]!, i + 1);
      out[block[1]!] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) out[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
  }
  return out;
}

/** Copies a file or a folder's contents into `to` (made when missing), as `cp -a` does: node's recursive fs.cp costs some 3× the CPU. */
async function copyTree(from: string, to: string): Promise<void> {
  if (!statSync(from).isDirectory()) {
    await mkdir(path.dirname(to), { recursive: true });
    await execa("cp", ["-a", from, to]);
    return;
  }
  await mkdir(to, { recursive: true });
  await execa("cp", ["-a", `${from}/.`, to]);
}

/**
 * actions/cache/restore and /save as the runner would run them, on a folder instead of GitHub's
 * cache service: save copies the paths under the key, restore copies them back and says cache-hit.
 */
function fakeCache(store: string) {
  const folder = (key: string) => path.join(store, key.replace(/[^\w.-]/g, "_"));
  return {
    saved: [] as string[],
    async run(step: Step, ctx: Context): Promise<Record<string, string>> {
      const key = evaluate(step.with?.key ?? "", ctx);
      const paths = evaluate(step.with?.path ?? "", ctx).split("\n").filter(Boolean);
      expect(key).toMatch(/^runbook-action-/);
      expect(paths.every((p) => path.isAbsolute(p)), paths.join(" ")).toBe(true);
      if (step.uses === "actions/cache/save@v4") {
        for (const [i, p] of paths.entries()) await copyTree(p, path.join(folder(key), String(i)));
        this.saved.push(key);
        return {};
      }
      expect(step.uses).toBe("actions/cache/restore@v4");
      if (!existsSync(folder(key))) return { "cache-hit": "" };
      for (const [i, p] of paths.entries()) await copyTree(path.join(folder(key), String(i)), p);
      return { "cache-hit": "true", "cache-matched-key": key };
    },
  };
}

/**
 * Runs the composite action's steps as the runner does: inputs with their defaults, each step's
 * env, `bash --noprofile --norc -eo pipefail` on a script file, GITHUB_ACTION_PATH, GITHUB_OUTPUT,
 * CI=true, the workspace as the working directory; it stops at the first failing step and returns
 * the action's outputs. No network: npm is told --offline (the packages come from the cache that
 * `npm ci` filled), and `path` (a folder put first on PATH) may stand in for a command.
 */
async function runAction(o: { actionPath: string; workspace: string; inputs?: Record<string, string>; phase: "install" | "after-install"; cache: ReturnType<typeof fakeCache>; path?: string; ref?: string; env?: Record<string, string> }) {
  const action = parse(await readFile(path.join(o.actionPath, "action.yml"), "utf8")) as Action;
  expect(action.runs.using).toBe("composite");
  const ctx: Context = {
    inputs: { ...Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default])), ...o.inputs },
    steps: {},
    github: { action_path: o.actionPath, action_ref: o.ref ?? "v1" },
  };
  const firstAfterInstall = action.runs.steps.findIndex((s) => s.id === "lint");
  const temp = await tempDir("runbook-runner-temp-");
  const log: { name: string; exitCode: number; stdout: string; stderr: string }[] = [];
  for (const [i, step] of action.runs.steps.entries()) {
    if ((o.phase === "install") !== i < firstAfterInstall || !condition(step.if, ctx)) continue;
    if (step.uses) {
      ctx.steps[step.id!] = await o.cache.run(step, ctx);
      log.push({ name: step.name, exitCode: 0, stdout: "", stderr: "" });
      continue;
    }
    expect(step.shell).toBe("bash");
    const script = path.join(temp, `step-${i}.sh`);
    const output = path.join(temp, `output-${i}`);
    await writeFile(script, step.run ?? "");
    await writeFile(output, "");
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(v, ctx)]));
    const r = await execa("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
      cwd: o.workspace,
      reject: false,
      extendEnv: false,
      env: {
        PATH: o.path ? `${o.path}${path.delimiter}${process.env.PATH}` : process.env.PATH,
        HOME: process.env.HOME,
        CI: "true",
        GITHUB_ACTIONS: "true",
        GITHUB_ACTION_PATH: o.actionPath,
        GITHUB_WORKSPACE: o.workspace,
        GITHUB_OUTPUT: output,
        RUNNER_TEMP: temp,
        RUNNER_OS: "Linux",
        RUNNER_ARCH: "X64",
        npm_config_offline: "true",
        ...o.env,
        ...env,
      },
    });
    if (step.id) ctx.steps[step.id] = readOutputs(await readFile(output, "utf8"));
    log.push({ name: step.name, exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) });
    if (r.exitCode !== 0) break;
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([k, v]) => [k, evaluate(v.value, ctx)]));
  return { log, outputs };
}

const steps = (log: { name: string; exitCode: number }[]) => log.map((s) => [s.name, s.exitCode]);
const files = (out: string, level: string) => [...out.matchAll(new RegExp(`^::${level} file=([^,]+),.*title=runbook ([\\w-]+)::`, "gm"))].map((m) => `${m[1]} ${m[2]}`).sort();

/** An `npm` that fails: on a cache hit the install step must not run npm at all. */
async function noNpm(): Promise<string> {
  const bin = await tempDir("runbook-no-npm-");
  await writeFile(path.join(bin, "npm"), '#!/bin/sh\necho "npm $* was run, on a cache hit" >&2\nexit 99\n');
  await chmod(path.join(bin, "npm"), 0o755);
  return bin;
}

describe("the GitHub Action (action.yml)", () => {
  let actionPath = "";
  let cache: ReturnType<typeof fakeCache>;
  let cacheDir: string;
  let install: Awaited<ReturnType<typeof runAction>>;

  // The action as a caller's job checks it out (the repository at a release ref, with dist/ built),
  // installed once by its own install steps; each test then runs the steps after them.
  beforeAll(async () => {
    actionPath = await mkdtemp(path.join(os.tmpdir(), "runbook-action-"));
    for (const f of ["action.yml", "package.json", "package-lock.json", "dist", ".github/action"]) await copyTree(path.join(ROOT, f), path.join(actionPath, f));
    cacheDir = await mkdtemp(path.join(os.tmpdir(), "runbook-action-cache-"));
    cache = fakeCache(cacheDir);
    install = await runAction({ actionPath, workspace: actionPath, phase: "install", cache });
  }, 120_000);
  afterAll(() => Promise.all([actionPath, cacheDir].map((d) => rm(d, { recursive: true, force: true }))));

  it("installs production dependencies only, lints top-level and nested runbooks from a ** glob, reports staleness once, writes SARIF, and says how many of each", async () => {
    const repo = await gitRepo();
    await repo.write("runbooks/top.md", runbook("top", 'echo "$UNDECLARED_TOP"'));
    await repo.write("runbooks/team/nested.md", runbook("nested", 'echo "$UNDECLARED_NESTED"'));
    await repo.write("runbooks/team/deeper/clean.md", runbook("clean", "echo ok"));
    await repo.write("runbooks/tools.md", runbook("tools", "psql --version").replace("owner: team-a\n", "owner: team-a\nrequires: [no-such-psql]\n"));
    await repo.commit("runbooks");

    expect(steps(install.log), install.log.map((s) => s.stderr).join("\n")).toEqual([["Key the install cache", 0], ["Restore the install", 0], ["Install runbook", 0], ["Save the install", 0]]);
    const after = { actionPath, workspace: repo.dir, phase: "after-install" as const, cache };
    const { log, outputs } = await runAction({ ...after, inputs: { paths: "runbooks/**/*.md", "sarif-file": "runbooks.sarif" } });
    expect(steps(log)).toEqual([["runbook lint", 1]]);
    expect(outputs).toEqual({ errors: "2", warnings: "0", stale: "", "sarif-file": "runbooks.sarif" });
    const installed = await readFile(path.join(actionPath, "node_modules/.package-lock.json"), "utf8");
    expect(installed).not.toMatch(/"node_modules\/(eslint|vitest|typescript)"/);

    const lint = log[0]!.stdout;
    expect(files(lint, "error")).toEqual(["runbooks/team/nested.md param-declared", "runbooks/top.md param-declared"]);
    // No stale-* from lint (the stale step reports those) and no requires-installed on CI.
    expect(lint).not.toMatch(/stale-|requires-installed/);
    const sarif = JSON.parse(await readFile(path.join(repo.dir, "runbooks.sarif"), "utf8")) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(new Set(sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri))).toEqual(new Set(["runbooks/top.md", "runbooks/team/nested.md"]));

    // With lint clean, the stale step runs and reports each never-verified runbook once.
    await repo.write("runbooks/top.md", runbook("top", "echo ok"));
    await repo.write("runbooks/team/nested.md", runbook("nested", "echo ok"));
    const clean = await runAction({ ...after, inputs: { paths: "runbooks/**/*.md" } });
    expect(steps(clean.log)).toEqual([["runbook lint", 0], ["runbook stale", 0]]);
    expect(files(clean.log[1]!.stdout, "warning")).toEqual(["clean", "nested", "tools", "top"].map((id) => `runbooks/${id === "top" || id === "tools" ? "" : id === "nested" ? "team/" : "team/deeper/"}${id}.md stale-never-verified`).sort());
    expect(clean.log[0]!.stdout).toBe("");
    expect(clean.outputs).toEqual({ errors: "0", warnings: "0", stale: "4", "sarif-file": "" });
  }, 180_000);

  it("takes one path per line (spaces kept, nothing glob-expanded by bash), fails on stale when asked, and on --max-warnings", async () => {
    const repo = await gitRepo();
    await repo.write("team runbooks/a b.md", runbook("a-b", "echo ok"));
    await repo.write("other/c.md", runbook("c", "echo ok"));
    await repo.write("other/ignored.md", runbook("ignored", 'echo "$NOT_LINTED"'));
    await repo.commit("runbooks");
    // A file named like the glob proves bash never expanded it: runbook did.
    await mkdir(path.join(repo.dir, "other/*"), { recursive: true });
    const after = { actionPath, workspace: repo.dir, phase: "after-install" as const, cache };

    const stale = await runAction({ ...after, inputs: { paths: "team runbooks/a b.md\n  other/c.md  \n", "fail-on-stale": "true" } });
    expect(steps(stale.log)).toEqual([["runbook lint", 0], ["runbook stale", 1]]);
    expect(files(stale.log[1]!.stdout, "warning")).toEqual(["other/c.md stale-never-verified", "team runbooks/a b.md stale-never-verified"]);
    expect(stale.outputs.stale).toBe("2");

    const warnings = await runAction({ ...after, inputs: { paths: "other/c.md", stale: "false", "max-warnings": "0" } });
    expect(steps(warnings.log)).toEqual([["runbook lint", 1]]);
    expect(warnings.log[0]!.stderr).toContain("1 warnings is more than --max-warnings 0");
    expect(warnings.outputs).toEqual({ errors: "0", warnings: "1", stale: "", "sarif-file": "" });
  }, 180_000);

  it("restores its install from the cache in the next job, keyed on its ref and content, and runs no npm", async () => {
    const [key] = cache.saved;
    expect(key).toMatch(/^runbook-action-Linux-X64-node\d+-v1-[0-9a-f]{16}$/);
    // The next job: a fresh checkout of the same ref, nothing installed.
    const next = await tempDir("runbook-action-next-");
    for (const f of ["action.yml", "package.json", "package-lock.json", "dist", ".github/action"]) await copyTree(path.join(ROOT, f), path.join(next, f));
    const restored = await runAction({ actionPath: next, workspace: next, phase: "install", cache, path: await noNpm() });
    expect(steps(restored.log), restored.log.map((s) => s.stderr).join("\n")).toEqual([["Key the install cache", 0], ["Restore the install", 0], ["Install runbook", 0]]);
    expect(restored.log[2]!.stdout).toMatch(/^runbook: installed from the cache\n\d+\.\d+\.\d+/);
    expect(cache.saved).toEqual([key]);
    // Another ref (or other content) is another key: nothing to restore, so it installs.
    const other = await runAction({ actionPath: next, workspace: next, phase: "install", cache, path: await noNpm(), ref: "v2" });
    expect(steps(other.log)).toEqual([["Key the install cache", 0], ["Restore the install", 0], ["Install runbook", 99]]);
  }, 120_000);
});

/**
 * The one command of the install step that would reach the registry (`npm install --prefix <tools>
 * esbuild@…`), answered from the project's own node_modules, where `npm ci` put the same version (and
 * its platform's binary); every other npm command is the real npm. It logs what it was asked.
 */
const NPM_SHIM = `#!/usr/bin/env node
const { cpSync, existsSync, readFileSync, appendFileSync } = require("node:fs");
const path = require("node:path");
const args = process.argv.slice(2);
if (args[0] !== "install" || args[1] !== "--prefix") {
  const r = require("node:child_process").spawnSync(process.env.REAL_NPM, args, { stdio: "inherit" });
  process.exit(r.status ?? 1);
}
const tools = path.join(args[2], "node_modules");
const specs = args.slice(3).filter((a) => !a.startsWith("-"));
appendFileSync(process.env.NPM_SHIM_LOG, specs.join(" ") + "\\n");
const copy = (name, from) => {
  const dir = [path.join(from, "node_modules", name), path.join(process.env.PROJECT_ROOT, "node_modules", name)].find(existsSync);
  if (!dir || existsSync(path.join(tools, name))) return;
  cpSync(dir, path.join(tools, name), { recursive: true });
  const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  for (const dep of Object.keys(pkg.dependencies ?? {})) copy(dep, dir);
  // Optional ones (esbuild's binary for this platform) only where npm ci installed them.
  for (const dep of Object.keys(pkg.optionalDependencies ?? {})) if ([dir, process.env.PROJECT_ROOT].some((d) => existsSync(path.join(d, "node_modules", dep)))) copy(dep, dir);
};
for (const spec of specs) copy(spec.slice(0, spec.lastIndexOf("@")), process.env.PROJECT_ROOT);
`;

describe("the GitHub Action from a branch ref (no dist/ checked in)", () => {
  // `uses: owner/runbook@main` checks out sources only: the install step transpiles them with
  // esbuild alone, in a throwaway folder, and leaves no dev tool behind.
  it("transpiles with esbuild alone, installs no dev dependency, and lints", async () => {
    const actionPath = await tempDir("runbook-action-src-");
    for (const f of ["action.yml", "package.json", "package-lock.json", ".github/action", "src", "tsconfig.json", "tsconfig.build.json"]) await copyTree(path.join(ROOT, f), path.join(actionPath, f));
    const bin = await tempDir("runbook-npm-shim-");
    await writeFile(path.join(bin, "npm"), NPM_SHIM);
    await chmod(path.join(bin, "npm"), 0o755);
    const shimLog = path.join(bin, "log");
    await writeFile(shimLog, "");
    const env = { REAL_NPM: String((await execa("which", ["npm"])).stdout).trim(), NPM_SHIM_LOG: shimLog, PROJECT_ROOT: ROOT };
    const cache = fakeCache(await tempDir("runbook-action-cache-"));
    const install = await runAction({ actionPath, workspace: actionPath, phase: "install", cache, path: bin, ref: "main", env });
    expect(steps(install.log), install.log.map((s) => s.stderr).join("\n")).toEqual([["Key the install cache", 0], ["Restore the install", 0], ["Install runbook", 0], ["Save the install", 0]]);
    expect(install.log[2]!.stdout.trim().split("\n").at(-1)).toMatch(/^\d+\.\d+\.\d+/);
    const dev = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")).devDependencies as Record<string, string>;
    expect(await readFile(shimLog, "utf8")).toBe(`esbuild@${dev.esbuild}\n`);
    const installed = await readFile(path.join(actionPath, "node_modules/.package-lock.json"), "utf8");
    expect(installed).not.toMatch(/"node_modules\/(eslint|vitest|typescript|esbuild)"/);
    expect(existsSync(path.join(actionPath, "node_modules/esbuild"))).toBe(false);
    // Every module of the sources, in tsc's layout (the lint worker thread is loaded by path).
    for (const f of ["dist/cli/bin.js", "dist/check/batch/worker.js", "dist/editor/index.js", "dist/tui/run-tui.js"]) expect(existsSync(path.join(actionPath, f)), f).toBe(true);

    const repo = await gitRepo();
    await repo.write("runbooks/top.md", runbook("top", 'echo "$UNDECLARED_TOP"'));
    await repo.commit("runbooks");
    const { log } = await runAction({ actionPath, workspace: repo.dir, phase: "after-install", cache, inputs: { paths: "runbooks/**/*.md", stale: "false" } });
    expect(steps(log)).toEqual([["runbook lint", 1]]);
    expect(files(log[0]!.stdout, "error")).toEqual(["runbooks/top.md param-declared"]);
  }, 300_000);
});
