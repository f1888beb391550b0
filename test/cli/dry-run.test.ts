import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { runMain } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const RUNBOOK = (owner: string) => `---
id: redis-failover
owner: "${owner}"
params:
  HOST: {description: the replica to promote, pattern: "[a-z0-9.-]+"}
  PORT: {default: "6379", pattern: "^[0-9]+$"}
  REDISCLI_AUTH: {secret: true}
---
# Redis failover

## Steps
### Check the lag {#check}
\`\`\`sh
redis-cli -h "$HOST" -p "$PORT" info replication
\`\`\`
### Wait for the lag {#wait}
Watch the replication dashboard until the lag is under a second.

Then say so in #incidents.
### Promote {#promote}
\`\`\`sh confirm irreversible="a promoted replica cannot be demoted"
redis-cli -h "$HOST" -p "$PORT" replicaof no one
\`\`\`
`;

async function project(files: Record<string, string>): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await tempDir("runbook-dry-");
  await mkdir(path.join(dir, ".git"));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return { dir, env: { RUNBOOK_STATE_DIR: path.join(dir, "state"), CI: "true" } };
}

const dry = (p: { dir: string; env: Record<string, string> }, ...args: string[]) => runMain(["run", "rb.md", "--dry-run", ...args], { cwd: p.dir, env: p.env });

describe("run --dry-run tells the truth", () => {
  it("shows a secret or a required param that was not given as not given, never as a value", async () => {
    const p = await project({ "rb.md": RUNBOOK("team-cache") });
    const r = await dry(p);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(
      [
        "Params:",
        "  HOST (not given: pass -p HOST=… or set RUNBOOK_PARAM_HOST; there is no terminal to ask at)",
        "  PORT=6379",
        "  REDISCLI_AUTH (not given: pass -p REDISCLI_AUTH=… or set RUNBOOK_PARAM_REDISCLI_AUTH; there is no terminal to ask at)",
      ].join("\n"),
    );
    expect(r.stdout).not.toMatch(/REDISCLI_AUTH=\*|<required>/);
    const given = await dry(p, "-p", "HOST=db-2.internal", "-p", "REDISCLI_AUTH=correct-horse-battery");
    expect(given.stdout).toContain("  HOST=db-2.internal\n  PORT=6379\n  REDISCLI_AUTH=***\n");
    expect(given.stdout).not.toContain("correct-horse-battery");
  });

  it("at a terminal, a param not given is asked for at the start, and says so", async () => {
    const p = await project({ "rb.md": RUNBOOK("team-cache") });
    let stdout = "";
    const tty = { isTTY: true, columns: 100 };
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const code = await main({ argv: ["run", "rb.md", "--dry-run"], cwd: p.dir, env: { NO_COLOR: "1", PATH: process.env.PATH, RUNBOOK_STATE_DIR: p.env.RUNBOOK_STATE_DIR }, stdout: { ...tty, write: (s: string) => (stdout += s) }, stderr: { ...tty, write: () => true }, stdin });
    expect(code).toBe(0);
    expect(stdout).toContain("  HOST (not given: asked at start)\n  PORT=6379\n  REDISCLI_AUTH (not given: asked at start)\n");
  });

  it("shows a manual step's instructions", async () => {
    const p = await project({ "rb.md": RUNBOOK("team-cache") });
    expect((await dry(p)).stdout).toContain(
      "  2. wait: Wait for the lag  [manual]\n     the operator does, then confirms:\n      Watch the replication dashboard until the lag is under a second.\n      \n      Then say so in #incidents.\n",
    );
  });

  it("lists wrong params first, says the plan would not start as given, and exits 2", async () => {
    const p = await project({ "rb.md": RUNBOOK("team-cache") });
    const r = await dry(p, "-p", "HOST=x;y", "-p", "PROT=1");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      "runbook: 2 params are wrong; `runbook run` would refuse to start with them:\n" +
        "  Unknown param `PROT` (did you mean `PORT`?); this runbook declares `HOST`, `PORT`, `REDISCLI_AUTH`\n" +
        "  `HOST`: `x;y` does not match `[a-z0-9.-]+` (the whole value must match)\n\n",
    );
    expect(r.stdout.split("\n")[0]).toBe("Plan for Redis failover (redis-failover), nothing will run; it would not start as given: 2 params are wrong (listed above)");
    expect(r.stdout).toContain("  HOST=x;y  (wrong, see above)\n");
    const json = await dry(p, "-p", "HOST=x;y", "--format", "json");
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ params: { HOST: "x;y", PORT: "6379", REDISCLI_AUTH: null }, notGiven: ["REDISCLI_AUTH"], paramProblems: [{ name: "HOST" }] });
  });

  it("shows a runbook whose only error is metadata, with the errors as warnings first; run itself still refuses it", async () => {
    const p = await project({ "rb.md": RUNBOOK("TODO: owning team") });
    const r = await dry(p, "-p", "HOST=db-2");
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe(
      "rb.md\n  3:8  warning  Owner is a placeholder (`TODO: owning team`): name the team or person to escalate to  owner-placeholder\n\n" +
        "runbook: rb.md has 1 error that does not change the plan, shown above as a warning; `runbook run` refuses to start until it is fixed\n\n",
    );
    expect(r.stdout).toMatch(/^Plan for Redis failover \(redis-failover\), nothing will run:\n/);
    const run = await runMain(["run", "rb.md", "-p", "HOST=db-2", "-p", "REDISCLI_AUTH=correct-horse-battery", "--yes"], { cwd: p.dir, env: p.env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("3:8  error  Owner is a placeholder");
    expect(run.stderr).toContain("runbook: rb.md has lint errors; fix them before running it");
  });

  it("still refuses a runbook whose errors make the plan wrong, listing all of its errors", async () => {
    const p = await project({ "rb.md": RUNBOOK("TODO: owning team").replace("### Promote {#promote}", "### Promote {#check}") });
    const r = await dry(p);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Duplicate step id `check`");
    expect(r.stderr).toContain("Owner is a placeholder");
    expect(r.stderr).toContain("runbook: rb.md has lint errors, so its plan would be wrong; fix them first");
  });
});

describe("runbook graph and metadata errors", () => {
  it("draws the graph of a runbook whose only error is the owner placeholder, with a warning first", async () => {
    const p = await project({ "rb.md": RUNBOOK("TODO: owning team") });
    const r = await runMain(["graph", "rb.md"], { cwd: p.dir, env: p.env });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^flowchart TD\n/);
    expect(r.stderr).toContain("3:8  warning  Owner is a placeholder");
    expect(r.stderr).toContain("runbook: rb.md has 1 error that does not change the graph, shown above as a warning; `runbook run` refuses to start until it is fixed\n\n");
  });

  it("draws it when staleness is set to error, and refuses it on an error that changes the graph", async () => {
    const p = await project({ "rb.md": RUNBOOK("team-cache"), "runbook.config.yaml": "rules:\n  stale-never-verified: error\n" });
    const ok = await runMain(["graph", "rb.md", "-f", "json"], { cwd: p.dir, env: p.env });
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.stdout).order).toEqual(["check", "wait", "promote"]);
    expect(ok.stderr).toContain("stale-never-verified");
    await writeFile(path.join(p.dir, "rb.md"), RUNBOOK("team-cache").replace('```sh confirm irreversible="a promoted replica cannot be demoted"', "```sh needs=chek"));
    const bad = await runMain(["graph", "rb.md"], { cwd: p.dir, env: p.env });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain("Unknown step `chek` in needs= (did you mean `check`?)");
  });
});
