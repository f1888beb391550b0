import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fence, journalEvents, journalFiles, marks, onlyRunId, processesMatching, runbookProject, runIn, waitFor } from "../helpers/runbooks.js";

describe("runbook run", () => {
  it("runs steps in graph order, passes captures on, and journals every event", async () => {
    const p = await runbookProject(
      `## Steps\n### Second {#b}\n${fence("sh needs=a", 'echo "b:$FROM_A" >> "$MARK"')}### First {#a}\n${fence("sh needs= capture=FROM_A", 'echo a >> "$MARK"; echo hello')}`,
    );
    const r = await runIn(p, ["run", "rb.md"]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(marks(p.mark)).toEqual(["a", "b:hello"]);
    const types = journalEvents(p.state).map((e) => e.type);
    expect(types[0]).toBe("run_started");
    expect(types.at(-1)).toBe("run_finished");
    expect(types.filter((t) => t === "step_finished")).toHaveLength(2);
    expect(r.stdout).toContain("run test-rb".replace("run test-rb", "completed"));
  });

  it("delivers hostile param values byte for byte, as data, never as code", async () => {
    const values = ['x"; touch pwned; echo "', "$(touch pwned2)", "`touch pwned3`", "line1\nline2", "--flag", "'; rm -rf / #"];
    const p = await runbookProject(`## Steps\n### Echo\n${fence("sh", 'printf "%s" "$P" > "$MARK.$N"')}`, "params:\n  P: {}\n  N: {}\n");
    for (const [i, v] of values.entries()) {
      const r = await runIn(p, ["run", "rb.md", "-p", `P=${v}`, "-p", `N=${i}`]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(readFileSync(`${p.mark}.${i}`, "utf8")).toBe(v);
    }
    for (const f of ["pwned", "pwned2", "pwned3"]) expect(existsSync(path.join(p.dir, f))).toBe(false);
  });

  it("stops a timed-out step's whole process group, grandchildren included, in about its timeout", async () => {
    const tag = `300.${process.pid}${Date.now() % 1000}`;
    const p = await runbookProject(`## Steps\n### Hang\n${fence("sh timeout=1s", `sleep ${tag} &\nsleep ${tag}`)}`);
    const t = Date.now();
    const r = await runIn(p, ["run", "rb.md"]);
    const elapsed = Date.now() - t;
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("timed out");
    expect(elapsed).toBeLessThan(8000);
    await waitFor(() => processesMatching(`sleep ${tag}`).length === 0, 3000);
    const attempt = journalEvents(p.state).find((e) => e.type === "attempt_finished");
    expect(attempt).toMatchObject({ timedOut: true });
    expect(attempt?.durationMs as number).toBeLessThan(3000);
  });

  it("kills a child that ignores SIGTERM after the grace period", async () => {
    const p = await runbookProject(`## Steps\n### Stubborn\n${fence("sh timeout=500ms", "trap '' TERM\nwhile true; do sleep 0.1; done")}`);
    const r = await runIn(p, ["run", "rb.md"]);
    expect(r.exitCode).toBe(1);
    expect(journalEvents(p.state).find((e) => e.type === "attempt_finished")).toMatchObject({ timedOut: true });
  });

  it("does not let a backgrounded grandchild that holds stdout keep the step alive", async () => {
    const tag = `301.${process.pid}${Date.now() % 1000}`;
    const p = await runbookProject(`## Steps\n### Daemon\n${fence("sh timeout=20s", `sleep ${tag} &\necho started`)}### Next\n${fence("sh", 'echo next >> "$MARK"')}`);
    const t = Date.now();
    const r = await runIn(p, ["run", "rb.md"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(Date.now() - t).toBeLessThan(10_000);
    expect(marks(p.mark)).toEqual(["next"]);
    for (const pid of processesMatching(`sleep ${tag}`)) process.kill(pid, "SIGKILL");
  });

  it("retries with backoff and records each attempt", async () => {
    const p = await runbookProject(`## Steps\n### Flaky\n${fence("sh retries=3 backoff=50ms", 'echo x >> "$MARK"; test "$(wc -l < "$MARK")" -ge 3')}`);
    const r = await runIn(p, ["run", "rb.md"]);
    expect(r.exitCode).toBe(0);
    const attempts = journalEvents(p.state).filter((e) => e.type === "attempt_finished");
    expect(attempts.map((a) => a.exitCode)).toEqual([1, 1, 0]);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
  });

  it("fails a step whose verify block fails", async () => {
    const p = await runbookProject(`## Steps\n### Change\n${fence("sh", "true")}${fence("sh verify retries=1 backoff=10ms", "false")}`);
    const r = await runIn(p, ["run", "rb.md"]);
    expect(r.exitCode).toBe(1);
    expect(journalEvents(p.state).filter((e) => e.type === "attempt_finished").map((e) => e.phase)).toEqual(["command", "verify", "verify"]);
  });

  it("rolls back the failed step, then completed steps in reverse order, then ## Rollback", async () => {
    const step = (n: number, fail = false) => `### Step ${n} {#s${n}}\n${fence("sh", fail ? `echo run${n} >> "$MARK"; exit 1` : `echo run${n} >> "$MARK"`)}${fence("sh rollback", `echo undo${n} >> "$MARK"`)}`;
    const p = await runbookProject(`## Steps\n${step(1)}${step(2)}${step(3, true)}## Rollback\n${fence("sh", 'echo runbook-rollback >> "$MARK"')}`);
    const r = await runIn(p, ["run", "rb.md", "--on-failure", "rollback"]);
    expect(r.exitCode).toBe(1);
    expect(marks(p.mark)).toEqual(["run1", "run2", "run3", "undo3", "undo2", "undo1", "runbook-rollback"]);
    expect(journalEvents(p.state).at(-1)).toMatchObject({ type: "run_finished", status: "rolled_back" });
  });

  it("keeps rolling back when one rollback fails, and says so", async () => {
    const p = await runbookProject(
      `## Steps\n### A {#a}\n${fence("sh", "true")}${fence("sh rollback", 'echo undo-a >> "$MARK"')}### B {#b}\n${fence("sh", "true")}${fence("sh rollback", "exit 3")}### C {#c}\n${fence("sh", "false")}`,
    );
    const r = await runIn(p, ["run", "rb.md", "--on-failure", "rollback"]);
    expect(r.exitCode).toBe(1);
    expect(marks(p.mark)).toEqual(["undo-a"]);
    expect(journalEvents(p.state).at(-1)).toMatchObject({ status: "rollback_failed" });
  });

  it("masks secrets in the journal and on screen: split across chunks and streams, base64, multi-line", async () => {
    const secret = "hunter2-Sup3r-s3cret";
    const pem = "-----BEGIN KEY-----\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldY\n-----END KEY-----";
    const body = [
      'echo "plain: $SECRET"',
      'printf "%s" "${SECRET:0:7}"; sleep 0.3; printf "%s\\n" "${SECRET:7}"',
      'printf "%s" "${SECRET:0:5}"; printf "%s\\n" "${SECRET:5}" >&2',
      'printf "%s" "$SECRET" | base64',
      'printf "x%s" "$SECRET" | base64',
      'echo "$KEY"',
    ].join("\n");
    const p = await runbookProject(`## Steps\n### Leak\n${fence("bash", body)}`, "params:\n  SECRET: {secret: true}\n  KEY: {secret: true}\n");
    const r = await runIn(p, ["run", "rb.md", "-p", `KEY=${pem}`], { RUNBOOK_PARAM_SECRET: secret });
    expect(r.exitCode, r.stderr).toBe(0);
    const journal = readFileSync(journalFiles(p.state)[0]!, "utf8");
    for (const text of [journal, r.stdout, r.stderr]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(0, 12));
      expect(text).not.toContain(Buffer.from(secret).toString("base64").slice(0, 12));
      expect(text).not.toContain("QUJDREVGR0hJSktMTU5PUFFSU1RVVldY");
    }
    expect(r.stdout).toContain("plain: ***");
  });

  it("refuses secrets too short to mask", async () => {
    const p = await runbookProject(`## Steps\n### A\n${fence("sh", 'test -n "$S"')}`, "params:\n  S: {secret: true}\n");
    const r = await runIn(p, ["run", "rb.md", "-p", "S=abc"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("shorter than 8 characters");
  });

  it("validates params before anything runs", async () => {
    const p = await runbookProject(`## Steps\n### A\n${fence("sh", 'echo "$ENV_NAME $N" >> "$MARK"')}`, "params:\n  ENV_NAME: {enum: [staging, production]}\n  N: {pattern: '^[0-9]+$'}\n");
    for (const [args, msg] of [
      [["-p", "ENV_NAME=prod", "-p", "N=1"], "is not one of"],
      [["-p", "ENV_NAME=staging", "-p", "N=x"], "does not match"],
      [["-p", "ENV_NAME=staging"], "Missing required param `N`"],
      [["-p", "ENV_NAME=staging", "-p", "N=1", "-p", "NN=2"], "Unknown param `NN` (did you mean `N`?)"],
    ] as const) {
      const r = await runIn(p, ["run", "rb.md", ...args]);
      expect(r.exitCode, msg).toBe(2);
      expect(r.stderr).toContain(msg);
    }
    expect(marks(p.mark)).toEqual([]);
  });

  it("refuses to start, naming the steps, when confirmations have no terminal and no --yes", async () => {
    const p = await runbookProject(`## Steps\n### Do {#do}\n${fence("sh confirm irreversible=\"test\"", 'echo ran >> "$MARK"')}### Check by hand {#look}\nLook at it.\n`);
    const r = await runIn(p, ["run", "rb.md"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("do (irreversible), look (manual)");
    expect(r.stderr).toContain("--confirm-irreversible do");
    expect(journalFiles(p.state)).toEqual([]);
    // --yes alone never takes the irreversible step: the run stops before it, nothing ran.
    const stopped = await runIn(p, ["run", "rb.md", "--yes"]);
    expect(stopped.exitCode).toBe(3);
    expect(stopped.stderr).toContain("--yes stops before do (irreversible): to take it, pass --confirm-irreversible do");
    expect(marks(p.mark)).toEqual([]);
    const ok = await runIn(p, ["resume", "last", "--yes", "--confirm-irreversible", "do"]);
    expect(ok.exitCode).toBe(0);
    expect(marks(p.mark)).toEqual(["ran"]);
    expect(journalEvents(p.state).filter((e) => e.type === "answer").map((e) => [e.answer, e.by])).toEqual([["abort", "--yes"], ["yes", "--confirm-irreversible do"], ["done", "--yes"]]);
  });

  it("stops at a failing prerequisite before any step, and at a missing required command", async () => {
    const p = await runbookProject(`## Prerequisites\n${fence("sh", "false")}## Steps\n### A\n${fence("sh", 'echo ran >> "$MARK"')}`);
    const r = await runIn(p, ["run", "rb.md"]);
    expect(r.exitCode).toBe(1);
    expect(marks(p.mark)).toEqual([]);
    const q = await runbookProject(`## Steps\n### A\n${fence("sh", "no-such-tool-zz")}`, "requires: [no-such-tool-zz]\n");
    const r2 = await runIn(q, ["run", "rb.md"]);
    expect(r2).toMatchObject({ exitCode: 2 });
    expect(r2.stderr).toContain("required command not on PATH: no-such-tool-zz");
  });

  it("refuses a runbook with lint errors, and prints them", async () => {
    const p = await runbookProject(`## Steps\n### A\n${fence("sh timout=1s", "true")}`);
    const r = await runIn(p, ["run", "rb.md"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("Unknown attribute `timout` (did you mean `timeout`?)");
  });

  it("--dry-run prints the plan and runs nothing", async () => {
    const p = await runbookProject(`## Steps\n### A {#a}\n${fence("sh confirm", 'echo ran >> "$MARK"')}${fence("sh rollback", "true")}`, "params:\n  T: {secret: true}\n");
    const r = await runIn(p, ["run", "rb.md", "--dry-run", "-p", "T=topsecret"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("1. a: A  [confirm; has rollback]");
    expect(r.stdout).toContain("T=***");
    expect(marks(p.mark)).toEqual([]);
    expect(journalFiles(p.state)).toEqual([]);
  });

  it("`runbook rollback` rolls back a failed run from its journal", async () => {
    const p = await runbookProject(`## Steps\n### A {#a}\n${fence("sh", "true")}${fence("sh rollback", 'echo undo-a >> "$MARK"')}### B {#b}\n${fence("sh", "false")}${fence("sh rollback", 'echo undo-b >> "$MARK"')}`);
    expect((await runIn(p, ["run", "rb.md"])).exitCode).toBe(1);
    expect(marks(p.mark)).toEqual([]);
    const r = await runIn(p, ["rollback", onlyRunId(p.state)]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(marks(p.mark)).toEqual(["undo-b", "undo-a"]);
    const again = await runIn(p, ["rollback", onlyRunId(p.state)]);
    expect(again.stdout).toContain("already rolled back");
  });

  it("`runbook log` replays a run with all of its output, for the next person on call", async () => {
    const p = await runbookProject(`## Steps\n### Noisy {#noisy}\n${fence("sh", "seq 1 5000")}### Quiet {#quiet}\n${fence("sh", "echo done")}`);
    await runIn(p, ["run", "rb.md"], { RUNBOOK_OPERATOR: "alice" });
    const r = await runIn(p, ["log", onlyRunId(p.state)]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Run \d{8}T\d{6}Z-test-rb-[0-9a-f]{4} of test-rb .*\nstarted .* by alice@/);
    expect(r.stdout).toContain("  │ 1\n  │ 2\n");
    expect(r.stdout).toContain("  │ 5000\n");
    expect(r.stdout).toMatch(/noisy +done/);
    const step = await runIn(p, ["log", onlyRunId(p.state), "--step", "quiet", "--format", "json"]);
    const events = JSON.parse(step.stdout) as Array<{ type: string; target?: string }>;
    expect(events.every((e) => e.type === "run_started" || e.target === "quiet" || e.target === undefined)).toBe(true);
    expect(events.some((e) => e.target === "noisy")).toBe(false);
  });

  it("refuses a run id that is not one (it names a file: no paths)", async () => {
    const p = await runbookProject(`## Steps\n### A\n${fence("sh", "true")}`);
    for (const cmd of ["resume", "rollback", "log"]) {
      const r = await runIn(p, [cmd, "../../etc/passwd"]);
      expect(r.exitCode, cmd).toBe(2);
      expect(r.stderr).toContain("is not a run id");
    }
  });

  it("--format json streams the journal's events, one per line, secrets masked", async () => {
    const p = await runbookProject(`## Steps\n### A {#a}\n${fence("sh", 'echo "token is $T"')}`, "params:\n  T: {secret: true}\n");
    const r = await runIn(p, ["run", "rb.md", "--format", "json", "-p", "T=very-secret"]);
    expect(r.exitCode).toBe(0);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; text?: string });
    expect(events[0]?.type).toBe("run_started");
    expect(events.at(-1)?.type).toBe("run_finished");
    expect(events.find((e) => e.type === "output")?.text).toBe("token is ***\n");
    expect(r.stdout).not.toContain("very-secret");
    const plan = JSON.parse((await runIn(p, ["run", "rb.md", "--dry-run", "--format", "json", "-p", "T=very-secret"])).stdout);
    expect(plan).toMatchObject({ runbookId: "test-rb", params: { T: "***" }, steps: [{ id: "a", command: { source: 'echo "token is $T"' } }] });
  });

  it("lists runs with their status", async () => {
    const p = await runbookProject(`## Steps\n### A\n${fence("sh", "true")}`);
    await runIn(p, ["run", "rb.md"]);
    const r = await runIn(p, ["runs", "--format", "json"]);
    expect(JSON.parse(r.stdout)).toMatchObject([{ runbook: "test-rb", status: "completed", steps: "1/1" }]);
  });
});
