import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../helpers/cli.js";
import { gitRepo } from "../helpers/git.js";
import { tempDir } from "../helpers/tmp.js";

interface Step { name: string; id?: string; if?: string; shell?: string; run?: string; uses?: string; env?: Record<string, string> }
interface Action { inputs: Record<string, { default: string }>; runs: { using: string; steps: Step[] } }

const runbook = (id: string, body: string) => `---\nid: ${id}\nowner: team-a\n---\n# ${id}\n\n## Steps\n### Go {#go}\n\`\`\`sh\n${body}\n\`\`\`\n`;

/** `${{ inputs.x }}` as GitHub evaluates it in `env:` and `if:` (the only expressions the action uses). */
function evaluate(expr: string, inputs: Record<string, string>): string {
  return expr.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => inputs[name] ?? "");
}

function condition(expr: string | undefined, inputs: Record<string, string>): boolean {
  if (expr === undefined) return true;
  const m = /^inputs\.([\w-]+) == '([^']*)'$/.exec(expr.trim());
  if (!m) throw new Error(`the test does not understand the condition \`${expr}\``);
  return (inputs[m[1] ?? ""] ?? "") === m[2];
}

/**
 * Runs the composite action's steps as the runner does: inputs with their defaults, each step's
 * env, `bash --noprofile --norc -eo pipefail` on a script file, GITHUB_ACTION_PATH, CI=true, the
 * workspace as the working directory; it stops at the first failing step.
 */
async function runAction(actionPath: string, workspace: string, given: Record<string, string>, phase: "install" | "after-install" = "after-install") {
  const action = parse(await readFile(path.join(actionPath, "action.yml"), "utf8")) as Action;
  expect(action.runs.using).toBe("composite");
  const inputs = { ...Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default])), ...given };
  const temp = await tempDir("runbook-runner-temp-");
  const log: { name: string; exitCode: number; stdout: string; stderr: string }[] = [];
  for (const [i, step] of action.runs.steps.entries()) {
    expect(step.uses, `step ${step.name} uses another action`).toBeUndefined();
    if (!condition(step.if, inputs) || (phase === "install") !== (step.id === "install")) continue;
    expect(step.shell).toBe("bash");
    const script = path.join(temp, `step-${i}.sh`);
    await writeFile(script, step.run ?? "");
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(v, inputs)]));
    const r = await execa("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
      cwd: workspace,
      reject: false,
      extendEnv: false,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: "true", GITHUB_ACTIONS: "true", GITHUB_ACTION_PATH: actionPath, GITHUB_WORKSPACE: workspace, RUNNER_TEMP: temp, npm_config_prefer_offline: "true", ...env },
    });
    log.push({ name: step.name, exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) });
    if (r.exitCode !== 0) break;
  }
  return log;
}

const files = (out: string, level: string) => [...out.matchAll(new RegExp(`^::${level} file=([^,]+),.*title=runbook ([\\w-]+)::`, "gm"))].map((m) => `${m[1]} ${m[2]}`).sort();

describe("the GitHub Action (action.yml)", () => {
  let actionPath = "";
  let install: Awaited<ReturnType<typeof runAction>> = [];

  // The action as a caller's job checks it out (the repository at a release ref, with dist/ built),
  // installed once by its own install step; each test then runs the steps after it.
  beforeAll(async () => {
    actionPath = await mkdtemp(path.join(os.tmpdir(), "runbook-action-"));
    for (const f of ["action.yml", "package.json", "package-lock.json", "dist", ".github/action"]) await cp(path.join(ROOT, f), path.join(actionPath, f), { recursive: true });
    install = await runAction(actionPath, actionPath, {}, "install");
  }, 120_000);
  afterAll(() => rm(actionPath, { recursive: true, force: true }));

  it("installs production dependencies only, lints top-level and nested runbooks from a ** glob, reports staleness once, writes SARIF", async () => {
    const repo = await gitRepo();
    await repo.write("runbooks/top.md", runbook("top", 'echo "$UNDECLARED_TOP"'));
    await repo.write("runbooks/team/nested.md", runbook("nested", 'echo "$UNDECLARED_NESTED"'));
    await repo.write("runbooks/team/deeper/clean.md", runbook("clean", "echo ok"));
    await repo.write("runbooks/tools.md", runbook("tools", "psql --version").replace("owner: team-a\n", "owner: team-a\nrequires: [no-such-psql]\n"));
    await repo.commit("runbooks");

    expect(install.map((s) => [s.name, s.exitCode])).toEqual([["Install runbook", 0]]);
    const log = await runAction(actionPath, repo.dir, { paths: "runbooks/**/*.md", "sarif-file": "runbooks.sarif" });
    expect(log.map((s) => [s.name, s.exitCode])).toEqual([["runbook lint", 1]]);
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
    const clean = await runAction(actionPath, repo.dir, { paths: "runbooks/**/*.md" });
    expect(clean.map((s) => [s.name, s.exitCode])).toEqual([["runbook lint", 0], ["runbook stale", 0]]);
    expect(files(clean[1]!.stdout, "warning")).toEqual(["clean", "nested", "tools", "top"].map((id) => `runbooks/${id === "top" || id === "tools" ? "" : id === "nested" ? "team/" : "team/deeper/"}${id}.md stale-never-verified`).sort());
    expect(clean[0]!.stdout).toBe("");
  }, 180_000);

  it("takes one path per line (spaces kept, nothing glob-expanded by bash), fails on stale when asked, and on --max-warnings", async () => {
    const repo = await gitRepo();
    await repo.write("team runbooks/a b.md", runbook("a-b", "echo ok"));
    await repo.write("other/c.md", runbook("c", "echo ok"));
    await repo.write("other/ignored.md", runbook("ignored", 'echo "$NOT_LINTED"'));
    await repo.commit("runbooks");
    // A file named like the glob proves bash never expanded it: runbook did.
    await mkdir(path.join(repo.dir, "other/*"), { recursive: true });

    const stale = await runAction(actionPath, repo.dir, { paths: "team runbooks/a b.md\n  other/c.md  \n", "fail-on-stale": "true" });
    expect(stale.map((s) => [s.name, s.exitCode])).toEqual([["runbook lint", 0], ["runbook stale", 1]]);
    expect(files(stale[1]!.stdout, "warning")).toEqual(["other/c.md stale-never-verified", "team runbooks/a b.md stale-never-verified"]);

    const warnings = await runAction(actionPath, repo.dir, { paths: "other/c.md", stale: "false", "max-warnings": "0" });
    expect(warnings.map((s) => [s.name, s.exitCode])).toEqual([["runbook lint", 1]]);
    expect(warnings[0]!.stderr).toContain("1 warnings is more than --max-warnings 0");
  }, 180_000);
});
