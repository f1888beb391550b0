import { chmod, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { createRequire } from "node:module";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { RUNBOOK_ACTION } from "../../src/authoring/drill-workflow.js";
import { BIN, ROOT, runMain } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { drilledRepo } from "./fixture.js";

type Validator = ((data: unknown) => boolean) & { errors?: unknown };
const require = createRequire(import.meta.url);
const Ajv = (require("ajv-draft-04") as { default: new (o: object) => { compile(s: object): Validator } }).default;

interface Step { name?: string; id?: string; if?: string; uses?: string; run?: string; with?: Record<string, string | number | boolean>; env?: Record<string, string> }
interface Workflow { on: { schedule: { cron: string }[]; workflow_dispatch: unknown }; jobs: Record<string, { environment: string; steps: Step[] }> }

const text = { type: "string" };
/**
 * The keys the generated workflow uses, as GitHub's workflow syntax defines them (the official schema
 * is not available offline): an unknown or misspelt key, a step with both `uses` and `run`, a bad cron
 * or permission fails here.
 */
const WORKFLOW_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["name", "on", "jobs"],
  definitions: {
    step: {
      type: "object",
      additionalProperties: false,
      properties: {
        name: text, id: { type: "string", pattern: "^[A-Za-z_][\\w-]*$" }, if: text, run: text, shell: text, "working-directory": text, "continue-on-error": { type: "boolean" }, "timeout-minutes": { type: "number" },
        uses: { type: "string", pattern: "^[\\w.-]+/[\\w./-]+@[\\w.-]+$" },
        with: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } },
        env: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } },
      },
      oneOf: [{ required: ["uses"], not: { required: ["run"] } }, { required: ["run"], not: { required: ["uses"] } }],
    },
  },
  properties: {
    name: text,
    on: {
      type: "object",
      additionalProperties: false,
      properties: {
        schedule: { type: "array", minItems: 1, items: { type: "object", additionalProperties: false, required: ["cron"], properties: { cron: { type: "string", pattern: "^\\S+( \\S+){4}$" } } } },
        workflow_dispatch: {
          type: "object",
          additionalProperties: false,
          properties: { inputs: { type: "object", additionalProperties: { type: "object", additionalProperties: false, required: ["description"], properties: { description: text, required: { type: "boolean" }, default: {}, type: { enum: ["boolean", "choice", "number", "environment", "string"] } } } } },
        },
      },
    },
    permissions: {
      type: "object",
      additionalProperties: false,
      patternProperties: { "^(actions|attestations|checks|contents|deployments|discussions|id-token|issues|packages|pages|pull-requests|repository-projects|security-events|statuses)$": { enum: ["read", "write", "none"] } },
    },
    concurrency: { type: "object", additionalProperties: false, required: ["group"], properties: { group: text, "cancel-in-progress": { type: "boolean" } } },
    jobs: {
      type: "object",
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["runs-on", "steps"],
        properties: {
          "runs-on": text,
          environment: { oneOf: [text, { type: "object", additionalProperties: false, required: ["name"], properties: { name: text, url: text } }] },
          "timeout-minutes": { type: "number" },
          steps: { type: "array", minItems: 1, items: { $ref: "#/definitions/step" } },
        },
      },
    },
  },
};

/** `${{ … }}` for the expressions the workflow uses; anything else fails the test. */
function evaluate(expr: string, ctx: Record<string, string>): string {
  return expr.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, ref: string) => {
    if (!(ref in ctx)) throw new Error(`the test does not understand \`${ref}\``);
    return ctx[ref]!;
  });
}

/** A `gh` that records its arguments (and the bodies it is given), and answers `issue list` with FAKE_GH_ISSUE. */
async function fakeGh(): Promise<{ bin: string; log: string; calls: () => Promise<string[][]> }> {
  const bin = await tempDir("runbook-fake-gh-");
  const log = path.join(bin, "calls.jsonl");
  await writeFile(
    path.join(bin, "gh"),
    `#!${process.execPath}
const fs = require("fs");
const args = process.argv.slice(2);
const body = args.indexOf("--body-file");
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(body >= 0 ? [...args, "BODY:" + fs.readFileSync(args[body + 1], "utf8")] : args) + "\\n");
if (args[0] === "issue" && args[1] === "list" && process.env.FAKE_GH_ISSUE) console.log(process.env.FAKE_GH_ISSUE);
`,
  );
  await chmod(path.join(bin, "gh"), 0o755);
  // What the project's Action leaves on PATH.
  await writeFile(path.join(bin, "runbook"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  await chmod(path.join(bin, "runbook"), 0o755);
  const calls = async () => (await readFile(log, "utf8").catch(() => "")).split("\n").filter(Boolean).map((l) => JSON.parse(l) as string[]);
  return { bin, log, calls };
}

/** Runs the job's steps as the runner would: `uses:` steps checked and stood in for, `run:` scripts executed by bash -eo pipefail. */
async function runJob(wf: Workflow, o: { workspace: string; runId: string; pathDirs: string[]; env: Record<string, string> }) {
  const job = Object.values(wf.jobs)[0]!;
  const temp = await tempDir("runbook-runner-temp-");
  const sha = (await execa("git", ["rev-parse", "HEAD"], { cwd: o.workspace })).stdout;
  const base = "main";
  const outputs: Record<string, string> = {};
  const ctx = () => ({ "inputs.all": "", "runner.temp": temp, "github.token": "fake-token", "github.ref_name": base, ...outputs });
  const results: { name: string; exitCode: number; stdout: string; stderr: string }[] = [];
  for (const [i, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${i}`;
    if (step.uses) {
      if (step.uses.startsWith("actions/checkout@")) expect(step.with?.["fetch-depth"]).toBe(0);
      else if (step.uses === RUNBOOK_ACTION) {
        const action = parse(await readFile(path.join(ROOT, "action.yml"), "utf8")) as { inputs: Record<string, unknown> };
        for (const k of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(k);
      } else expect(step.uses).toMatch(/^actions\/(setup-node|upload-artifact)@v4$/);
      continue;
    }
    const script = path.join(temp, `step-${i}.sh`);
    const out = path.join(temp, `output-${i}`);
    await writeFile(script, step.run ?? "");
    await writeFile(out, "");
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(String(v), ctx())]));
    const r = await execa("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
      cwd: o.workspace,
      reject: false,
      extendEnv: false,
      env: {
        PATH: [...o.pathDirs, process.env.PATH].join(path.delimiter), HOME: process.env.HOME, CI: "true", GITHUB_ACTIONS: "true", NO_COLOR: "1",
        GITHUB_SHA: sha, GITHUB_RUN_ID: o.runId, GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: path.join(temp, "summary.md"), RUNNER_TEMP: temp, GIT_CONFIG_NOSYSTEM: "1",
        ...o.env, ...env,
      },
    });
    for (const line of (await readFile(out, "utf8")).split("\n").filter(Boolean)) if (step.id) outputs[`steps.${step.id}.outputs.${line.slice(0, line.indexOf("="))}`] = line.slice(line.indexOf("=") + 1);
    results.push({ name, exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) });
    if (r.exitCode !== 0) break;
  }
  return { results, summary: await readFile(path.join(temp, "summary.md"), "utf8").catch(() => "") };
}

describe("runbook init drills", () => {
  it("writes a workflow whose keys are valid, with every expression outside the scripts, and refuses to overwrite it", async () => {
    const repo = await drilledRepo();
    const r = await runMain(["init", "drills", "--environment", "staging-drills"], { cwd: repo.dir });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain("Wrote .github/workflows/runbook-drills.yml");
    const wf = parse(await readFile(path.join(repo.dir, ".github/workflows/runbook-drills.yml"), "utf8")) as Workflow;
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(WORKFLOW_SCHEMA);
    expect(validate(wf), JSON.stringify(validate.errors)).toBe(true);
    const job = wf.jobs.drills!;
    expect(job.environment).toBe("staging-drills");
    expect(wf.on.schedule[0]!.cron).toBe("23 6 * * 1-5");
    expect(wf.on.workflow_dispatch).toBeTruthy();
    expect(job.steps.map((s) => s.uses ?? "run")).toEqual(["actions/checkout@v4", "actions/setup-node@v4", RUNBOOK_ACTION, "run", "actions/upload-artifact@v4", "run", "run", "run"]);
    for (const s of job.steps) expect(s.run ?? "").not.toContain("${{");
    expect(job.steps.find((s) => s.id === "drill")?.run).toContain("runbook drill $due --commit --format json");

    const again = await runMain(["init", "drills"], { cwd: repo.dir });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain(".github/workflows/runbook-drills.yml exists");
    expect((await runMain(["init", "drills", "--cron", "every day"], { cwd: repo.dir })).stderr).toContain("expected five fields");
  }, 30_000);

  it("its scripts run the due drills, push the verification and open a pull request, and open one issue per failed runbook, commenting on it the next time", async () => {
    const repo = await drilledRepo();
    const remote = await tempDir("runbook-remote-");
    await execa("git", ["init", "-q", "--bare", remote]);
    await repo.git("remote", "add", "origin", remote);
    await repo.git("push", "-q", "origin", "main");
    expect((await runMain(["init", "drills"], { cwd: repo.dir })).exitCode).toBe(0);
    await repo.commit("drill workflow");
    const wf = parse(await readFile(path.join(repo.dir, ".github/workflows/runbook-drills.yml"), "utf8")) as Workflow;
    const gh = await fakeGh();

    const first = await runJob(wf, { workspace: repo.dir, runId: "4242", pathDirs: [gh.bin], env: { MARK_DIR: repo.marks } });
    expect(first.results.map((s) => [s.name, s.exitCode]), first.results.map((s) => s.stderr).join("\n")).toEqual([
      ["Run the drills", 0], ["Propose the verifications", 0], ["Open or update an issue per failed drill", 0], ["Fail when a drill failed", 1],
    ]);
    expect(first.summary).toMatch(/^## Runbook drills: 1 passed, 1 failed$/m);
    // The verification went to its own branch on the remote.
    const pushed = (await execa("git", ["log", "--format=%s", "runbook-drills/4242"], { cwd: remote })).stdout;
    expect(pushed.split("\n")[0]).toBe("Drills verified passing");

    const calls = await gh.calls();
    const pr = calls.find((c) => c[0] === "pr");
    expect(pr?.slice(0, 7)).toEqual(["pr", "create", "--base", "main", "--head", "runbook-drills/4242", "--title"]);
    expect(pr?.at(-1)).toContain("## Runbook drills: 1 passed, 1 failed");
    const created = calls.filter((c) => c[0] === "issue" && c[1] === "create");
    expect(created).toHaveLength(1);
    expect(created[0]!.slice(0, 6)).toEqual(["issue", "create", "--title", "Drill failed: failing", "--label", "runbook-drill"]);
    expect(created[0]!.at(-1)).toContain("failed at step `migrate`");
    expect(created[0]!.at(-1)).toContain('ERROR: relation "users" does not exist');
    expect(calls.find((c) => c[1] === "list")).toEqual(["issue", "list", "--state", "open", "--label", "runbook-drill", "--search", '"Drill failed: failing" in:title', "--json", "number,title", "--jq", '.[] | select(.title == "Drill failed: failing") | .number']);

    // Next time the issue is open: it is commented on, not opened again.
    await repo.git("switch", "-q", "main");
    await writeFile(gh.log, "");
    const second = await runJob(wf, { workspace: repo.dir, runId: "4243", pathDirs: [gh.bin], env: { MARK_DIR: repo.marks, FAKE_GH_ISSUE: "17" } });
    expect(second.results.at(-1)?.exitCode).toBe(1);
    const again = await gh.calls();
    expect(again.filter((c) => c[1] === "create" && c[0] === "issue")).toEqual([]);
    const comment = again.find((c) => c[1] === "comment");
    expect(comment?.slice(0, 3)).toEqual(["issue", "comment", "17"]);
    expect(comment?.at(-1)).toContain("failed at step `migrate`");
  }, 90_000);
});
