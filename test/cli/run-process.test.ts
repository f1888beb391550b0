import { execa } from "execa";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, runMain } from "../helpers/cli.js";
import { gitRepo } from "../helpers/git.js";
import { fence, journalEvents, marks, journalFiles, onlyRunId, runbookProject, runIn, spawnCli, waitFor } from "../helpers/runbooks.js";
import { tempDir } from "../helpers/tmp.js";

/**
 * What only a runner in a process of its own shows: a lock held by a live runner, SIGINT, a stdout
 * closed by the reader (`| head`). The rest of `run` is tested in process (run.test.ts,
 * run-core.test.ts). In the E2E list of vitest.config.ts: these spawn the built CLI.
 */

/** Runs the CLI with its stdout into `head`, as `runbook … | head -n 2` would. */
async function intoHead(cwd: string, env: Record<string, string>, args: string[]) {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const r = await execa("bash", ["-c", `set -o pipefail; ${quoted} 2>stderr.txt | head -n 2 >/dev/null; echo "status=\${PIPESTATUS[0]}"`], { cwd, env: { NO_COLOR: "1", CI: "true", ...env }, reject: false });
  return { status: Number(/status=(\d+)/.exec(String(r.stdout))?.[1]), stderr: readFileSync(path.join(cwd, "stderr.txt"), "utf8") };
}

describe("runbook run (real processes)", () => {
  it("refuses a second run of the same runbook while the first holds the lock", async () => {
    // The first run holds its step open until the test says so: no race with a slow machine.
    const p = await runbookProject(`## Steps\n### Slow\n${fence("sh timeout=60s", 'echo started >> "$MARK"; while [ ! -e "$MARK.release" ]; do sleep 0.05; done')}`);
    const first = spawnCli(p, ["run", "rb.md"]);
    await waitFor(() => marks(p.mark).length > 0);
    const second = await runIn(p, ["run", "rb.md"]);
    writeFileSync(`${p.mark}.release`, "");
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toMatch(/locked by run \d{8}T\d{6}Z-test-rb-[0-9a-f]{4} \(.+@.+, pid \d+, since /);
    expect((await first).exitCode).toBe(0);
  });

  it("on SIGINT stops the running step, journals the interruption, exits 130, and resumes", async () => {
    const p = await runbookProject(`## Steps\n### A {#a}\n${fence("sh", 'echo a >> "$MARK"')}### B {#b}\n${fence("sh", 'echo b-start >> "$MARK"; sleep 30; echo b-end >> "$MARK"')}### C {#c}\n${fence("sh", 'echo c >> "$MARK"')}`);
    const child = spawnCli(p, ["run", "rb.md"]);
    await waitFor(() => marks(p.mark).includes("b-start"));
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(journalEvents(p.state).at(-1)).toMatchObject({ type: "run_interrupted", target: "b" });
    const refused = await runIn(p, ["resume", onlyRunId(p.state)]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("--rerun-interrupted");
    writeFileSync(p.file, readFileSync(p.file, "utf8").replace("sleep 30; ", ""));
    const changed = await runIn(p, ["resume", onlyRunId(p.state), "--rerun-interrupted"]);
    expect(changed.exitCode).toBe(2);
    expect(changed.stderr).toContain("changed since run");
    const resumed = await runIn(p, ["resume", onlyRunId(p.state), "--rerun-interrupted", "--force"]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(marks(p.mark)).toEqual(["a", "b-start", "b-start", "b-end", "c"]);
  });
});

describe("run core defects (real processes)", () => {
  it("a closed stdout never stops or crashes a run: the run goes on, the journal gets everything", async () => {
    const p = await runbookProject(`## Steps\n### Loud {#loud}\n${fence("sh", "seq 1 20000")}### After {#after}\n${fence("sh", 'echo after >> "$MARK"')}`);
    const r = await intoHead(p.dir, p.env, ["run", "rb.md", "--yes", "--format", "json"]);
    expect(r.stderr).not.toMatch(/EPIPE|Error:|at .*\.js/);
    expect(r.status).toBe(0);
    expect(marks(p.mark)).toEqual(["after"]);
    expect(journalEvents(p.state).at(-1)).toMatchObject({ type: "run_finished", status: "completed" });
    const plain = await intoHead(p.dir, p.env, ["run", "rb.md", "--yes", "--plain"]);
    expect(plain.status).toBe(0);
    expect(plain.stderr).toBe("");
  });

  it("rules, log, lint and runs exit quietly into a closed pipe", async () => {
    const p = await runbookProject(`## Steps\n### Loud {#loud}\n${fence("sh", "seq 1 20000")}`);
    await runIn(p, ["run", "rb.md"]);
    for (const args of [["rules"], ["log", onlyRunId(p.state)], ["lint", "rb.md", "--format", "json"], ["runs"]]) {
      const r = await intoHead(p.dir, p.env, args);
      expect(r.stderr, args.join(" ")).toBe("");
      expect(r.status, args.join(" ")).toBe(0);
    }
  });

  it("resume of a run that is still live says it is locked before anything else", async () => {
    const p = await runbookProject(`## Steps\n### Slow {#slow}\n${fence("sh timeout=60s", 'echo started >> "$MARK"; while [ ! -e "$MARK.release" ]; do sleep 0.05; done')}`);
    const first = spawnCli(p, ["run", "rb.md"]);
    await waitFor(() => marks(p.mark).length > 0);
    const r = await runIn(p, ["resume", onlyRunId(p.state)]);
    writeFileSync(`${p.mark}.release`, "");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^runbook: runbook is locked by run /);
    expect(r.stderr).not.toContain("interrupted");
    const forced = spawnCli(p, ["run", "rb.md"]);
    expect((await first).exitCode).toBe(0);
    await forced;
  });
});

describe("a journal's runbook is found by its path in the repository", () => {
  async function interruptedRunIn(dir: string, state: string) {
    const env = { RUNBOOK_STATE_DIR: state, RUNBOOK_KILL_GRACE_MS: "500" };
    const child = execa(process.execPath, [BIN, "run", "runbooks/rb.md"], { cwd: dir, env: { CI: "true", NO_COLOR: "1", ...env }, reject: false });
    await waitFor(() => {
      try {
        return readFileSync(path.join(dir, "where"), "utf8").length > 0;
      } catch {
        return false;
      }
    });
    child.kill("SIGINT");
    await child;
    return env;
  }

  it("resumes in a colleague's checkout (the first one gone), running the file there", async () => {
    const a = await gitRepo();
    await a.write("runbooks/rb.md", `---\nid: moved\nowner: o\n---\n# Moved\n\n## Steps\n### Here {#here}\n${fence("sh", 'pwd > ../where; sleep 30')}### Next {#next}\n${fence("sh", "pwd > ../next")}`);
    await a.commit("runbook");
    const state = path.join(await tempDir(), "state");
    const env = await interruptedRunIn(a.dir, state);
    const b = path.join(await tempDir(), "b");
    cpSync(a.dir, b, { recursive: true });
    rmSync(a.dir, { recursive: true, force: true });
    const id = path.basename(journalFiles(state)[0]!, ".jsonl");
    // The resume needs no process of its own: in process (main).
    const r = await runMain(["resume", id, "--skip-interrupted"], { cwd: b, env });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stderr)).toContain(`using ${path.join(b, "runbooks", "rb.md")} (in this checkout)`);
    expect(readFileSync(path.join(b, "next"), "utf8").trim()).toBe(path.join(b, "runbooks"));
  });

  it("a second checkout whose file changed is refused; --file points at the right one", async () => {
    const a = await gitRepo();
    await a.write("runbooks/rb.md", `---\nid: two\nowner: o\n---\n# Two\n\n## Steps\n### Here {#here}\n${fence("sh", 'pwd > ../where; sleep 30')}### Next {#next}\n${fence("sh", "pwd > ../next")}`);
    await a.commit("runbook");
    const state = path.join(await tempDir(), "state");
    const env = await interruptedRunIn(a.dir, state);
    const b = path.join(await tempDir(), "b");
    cpSync(a.dir, b, { recursive: true });
    writeFileSync(path.join(a.dir, "runbooks", "rb.md"), readFileSync(path.join(a.dir, "runbooks", "rb.md"), "utf8").replace("# Two", "# Two, edited"));
    writeFileSync(path.join(b, "runbooks", "rb.md"), readFileSync(path.join(b, "runbooks", "rb.md"), "utf8").replace("# Two", "# Two, also edited"));
    const id = path.basename(journalFiles(state)[0]!, ".jsonl");
    const run = (args: string[]) => runMain(args, { cwd: b, env });
    const refused = await run(["resume", id, "--skip-interrupted"]);
    expect(refused.exitCode).toBe(2);
    expect(String(refused.stderr)).toMatch(/changed since run .* started/);
    // The original content, kept elsewhere, is found by --file and runs where it is.
    const kept = path.join(await tempDir(), "kept");
    mkdirSync(kept);
    writeFileSync(path.join(kept, "rb.md"), String((await execa("git", ["show", "HEAD:runbooks/rb.md"], { cwd: b, stripFinalNewline: false })).stdout));
    const ok = await run(["resume", id, "--skip-interrupted", "--file", path.join(kept, "rb.md")]);
    expect(ok.exitCode, String(ok.stderr)).toBe(0);
    expect(readFileSync(path.join(path.dirname(kept), "next"), "utf8").trim()).toBe(kept);
  });
});
