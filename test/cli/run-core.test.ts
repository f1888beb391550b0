import { execa } from "execa";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN } from "../helpers/cli.js";
import { gitRepo } from "../helpers/git.js";
import { fence, journalEvents, journalFiles, marks, onlyRunId, runbookProject, runIn, spawnCli, waitFor } from "../helpers/runbooks.js";
import { tempDir } from "../helpers/tmp.js";

/** Runs the CLI with its stdout into `head`, as `runbook … | head -n 2` would. */
async function intoHead(cwd: string, env: Record<string, string>, args: string[]) {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const r = await execa("bash", ["-c", `set -o pipefail; ${quoted} 2>stderr.txt | head -n 2 >/dev/null; echo "status=\${PIPESTATUS[0]}"`], { cwd, env: { NO_COLOR: "1", CI: "true", ...env }, reject: false });
  return { status: Number(/status=(\d+)/.exec(String(r.stdout))?.[1]), stderr: readFileSync(path.join(cwd, "stderr.txt"), "utf8") };
}

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

  it("--dry-run fails with exit 2 on a bad param value, and a control character in -p is refused", async () => {
    const p = await runbookProject(`## Steps\n### A\n${fence("sh", 'echo "$PORT"')}`, "params:\n  PORT: {pattern: '^[0-9]+$'}\n");
    const bad = await runIn(p, ["run", "rb.md", "--dry-run", "-p", "PORT=abc"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("does not match");
    expect((await runIn(p, ["run", "rb.md", "--dry-run", "-p", "PORT=5432"])).exitCode).toBe(0);
    const cr = await runIn(p, ["run", "rb.md", "-p", "PORT=5432\r"]);
    expect(cr.exitCode).toBe(2);
    expect(cr.stderr).toContain("param `PORT` holds a control character (U+000D)");
    expect(journalFiles(p.state)).toEqual([]);
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

  it("an empty journal (a crash before its first event, from an older version) is refused with a message, never an internal error", async () => {
    const p = await runbookProject(`## Steps\n### A\n${fence("sh", "true")}`);
    const id = "20261128T000000Z-test-rb-abcd";
    mkdirSync(path.join(p.state, "runs"), { recursive: true });
    writeFileSync(path.join(p.state, "runs", `${id}.jsonl`), "");
    for (const cmd of ["resume", "rollback", "log"]) {
      const r = await runIn(p, [cmd, id]);
      expect(r.exitCode, cmd).toBe(2);
      expect(r.stderr, cmd).not.toContain("internal error");
      expect(r.stderr, cmd).toContain("holds no event");
    }
  });

  it("rollback --dry-run lists what would be undone, in order, and undoes nothing", async () => {
    const step = (id: string, fail = false) => `### ${id} {#${id}}\n${fence("sh", fail ? "exit 1" : `echo ${id} >> "$MARK"`)}${fence("sh rollback", `echo undo-${id} >> "$MARK"`)}`;
    const p = await runbookProject(`## Steps\n${step("a")}${step("b")}${step("c", true)}## Rollback\n${fence("sh", "echo all >> \"$MARK\"")}`);
    expect((await runIn(p, ["run", "rb.md"])).exitCode).toBe(1);
    const r = await runIn(p, ["rollback", onlyRunId(p.state), "--dry-run"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/1\. c: c: echo undo-c >> "\$MARK"\n +2\. b: b: .*\n +3\. a: a: .*\n +4\. runbook rollback 1: echo all/);
    expect(marks(p.mark)).toEqual(["a", "b"]);
  });

  it("--from and --only run a part of a runbook; the rest is journaled as assumed done and shown so", async () => {
    const body = ["a", "b", "c"].map((id) => `### ${id} {#${id}}\n${fence("sh", `echo ${id} >> "$MARK"`)}`).join("");
    const p = await runbookProject(`## Steps\n${body}`);
    const r = await runIn(p, ["run", "rb.md", "--from", "b"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(marks(p.mark)).toEqual(["b", "c"]);
    expect(r.stdout).toContain("↷ [1/3] a assumed done by the operator");
    expect(r.stdout).toMatch(/a +assumed/);
    const unknown = await runIn(p, ["run", "rb.md", "--only", "a,cc"]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("--only: no step `cc` (did you mean `c`?)");
  });
});

describe("inherited environment (env: in the frontmatter)", () => {
  it("refuses to start when a declared variable is not set; journals its name, never its value", async () => {
    const p = await runbookProject(`## Steps\n### Use {#use}\n${fence("sh", 'echo "$KUBE_TEST_CONFIG" >> "$MARK"')}`, "env: [KUBE_TEST_CONFIG]\n");
    const refused = await runIn(p, ["run", "rb.md"]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("KUBE_TEST_CONFIG is not set, and the runbook needs it");
    expect(journalFiles(p.state)).toEqual([]);
    const ok = await runIn(p, ["run", "rb.md"], { KUBE_TEST_CONFIG: "/tmp/kube-config-for-test" });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(marks(p.mark)).toEqual(["/tmp/kube-config-for-test"]);
    expect(journalEvents(p.state)[0]).toMatchObject({ type: "run_started", env: ["KUBE_TEST_CONFIG"] });
    expect(readFileSync(journalFiles(p.state)[0]!, "utf8")).not.toContain("kube-config-for-test");
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
    const r = await execa(process.execPath, [BIN, "resume", id, "--skip-interrupted"], { cwd: b, env: { CI: "true", NO_COLOR: "1", ...env }, reject: false });
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
    const run = (args: string[]) => execa(process.execPath, [BIN, ...args], { cwd: b, env: { CI: "true", NO_COLOR: "1", ...env }, reject: false });
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
