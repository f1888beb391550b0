import { execa } from "execa";
import { spawnSync } from "node:child_process";
import { appendFileSync, closeSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN } from "../helpers/cli.js";
import { alive, fence, journalEvents, journalFiles, marks, onlyRunId, processesMatching, runbookProject, runIn, spawnCli, waitFor } from "../helpers/runbooks.js";
import { startOf, stillAlive, spawned, escapes, escaped } from "../helpers/hardening.js";

// Issue 13, the run side: the cases that need a runner process of its own (SIGKILL, SIGINT, a heap
// cap, a crash after a write, a umask). In the E2E list of vitest.config.ts.

describe("issue 13, run side (real processes)", () => {
  it("#2 a new `run` that takes over a dead runner's lock stops the step it left running before starting it again", async () => {
    const tag = `303.${process.pid}${Date.now() % 1000}`;
    const p = await runbookProject(`## Steps\n### Slow {#slow}\n${fence("sh", `echo START >> "$MARK"; sleep ${tag}`)}`);
    const first = spawnCli(p, ["run", "rb.md"]);
    await waitFor(() => marks(p.mark).length === 1 && processesMatching(`sleep ${tag}`).length === 1);
    const leftover = processesMatching(`sleep ${tag}`).map((pid) => ({ pid, start: startOf(pid) }));
    first.kill("SIGKILL");
    await first;
    expect(leftover.every(stillAlive)).toBe(true);
    const second = spawnCli(p, ["run", "rb.md"]);
    await waitFor(() => marks(p.mark).length === 2);
    // The second START is written by the new step: by then the old group is gone.
    expect(leftover.filter(stillAlive)).toEqual([]);
    await waitFor(() => processesMatching(`sleep ${tag}`).length === 1);
    second.kill("SIGINT");
    const r = await second;
    expect(r.exitCode).toBe(130);
    expect(String(r.stderr)).toMatch(/took over the lock of run .*\n.*stopped (process group \d+|the processes \(found by their RUNBOOK_BLOCK tag\)) left running by run \S+'s slow/);
    await waitFor(() => processesMatching(`sleep ${tag}`).length === 0);
    expect(marks(p.mark)).toEqual(["START", "START"]);
  });

  // A journal larger than the largest string Node can hold (~512 MiB) would take a minute to write
  // and read here. The property behind it is that no reader ever holds a journal whole: proven with a
  // journal of 128 MiB read by processes whose heap is capped at 48 MiB, which could not hold it.
  it("#6 runs, log and resume read a journal far larger than their memory, as a stream", async () => {
    const size = 128 * 1024 * 1024;
    const p = await runbookProject(`## Steps\n### Loud {#loud}\n${fence("sh", `yes 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde | head -c ${size} || true`)}### Then {#then}\n${fence("sh", 'test -e "$MARK.ok"')}`);
    const env = { NO_COLOR: "1", CI: "true", ...p.env };
    const writer = await execa(process.execPath, [BIN, "run", "rb.md"], { cwd: p.dir, env: { ...env, RUNBOOK_OUTPUT_LIMIT: "1GiB" }, stdout: "ignore", reject: false });
    expect(writer.exitCode, String(writer.stderr)).toBe(1);
    const file = journalFiles(p.state)[0]!;
    expect(statSync(file).size).toBeGreaterThan(size);
    const id = onlyRunId(p.state);
    const capped = { ...env, NODE_OPTIONS: "--max-old-space-size=48" };
    const runs = await execa(process.execPath, [BIN, "runs", "--format", "json"], { cwd: p.dir, env: capped, reject: false });
    expect(runs.exitCode, `runs: ${String(runs.stderr)}`).toBe(0);
    expect(JSON.parse(String(runs.stdout))).toMatchObject([{ runId: id, status: "failed", steps: "1/2" }]);
    // Straight into a file: a pipe that is read more slowly than it is written queues the writes in
    // the writer's memory, which is another matter than reading.
    const logged = path.join(p.dir, "log.txt");
    const fd = openSync(logged, "w");
    const log = spawnSync(process.execPath, [BIN, "log", id], { cwd: p.dir, env: capped, stdio: ["ignore", fd, "pipe"], timeout: 60_000 });
    closeSync(fd);
    expect(log.status, `log: ${String(log.stderr)}`).toBe(0);
    expect(statSync(logged).size).toBeGreaterThan(size);
    // Into a pipe read more slowly than it is written (a pager): log writes as fast as it is read,
    // never queueing the journal in its memory.
    const slow = await execa("bash", ["-c", `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} log ${id} | { sleep 2; wc -c; }; echo "status=\${PIPESTATUS[0]}"`], { cwd: p.dir, env: capped, reject: false });
    expect(String(slow.stdout), String(slow.stderr)).toMatch(/status=0$/);
    expect(Number(String(slow.stdout).split("\n")[0])).toBeGreaterThan(size);
    writeFileSync(`${p.mark}.ok`, "");
    const resume = await execa(process.execPath, [BIN, "resume", id], { cwd: p.dir, env: capped, reject: false });
    expect(resume.exitCode, `resume: ${String(resume.stderr)}`).toBe(0);
    expect(journalEvents(p.state).at(-1)).toMatchObject({ type: "run_finished", status: "completed" });
  }, 120_000);

  it("#8 two processes never write one journal: `resume --force` of a live run is refused though its runbook lock is unreadable or gone", async () => {
    const p = await runbookProject(`## Steps\n### Slow {#slow}\n${fence("sh", 'echo started >> "$MARK"; while [ ! -e "$MARK.release" ]; do sleep 0.05; done')}### After {#after}\n${fence("sh", 'echo after >> "$MARK"')}`);
    const writer = spawnCli(p, ["run", "rb.md"]);
    await waitFor(spawned(p.state, () => marks(p.mark)));
    const id = onlyRunId(p.state);
    const file = journalFiles(p.state)[0]!;
    const lock = path.join(p.state, "locks", "test-rb.lock");
    const held = readFileSync(lock, "utf8");
    const before = readFileSync(file, "utf8");
    const step = journalEvents(p.state).find((e) => e.type === "attempt_spawned")!.pid as number;
    for (const lie of ["not json", undefined]) {
      if (lie === undefined) rmSync(lock);
      else writeFileSync(lock, lie);
      for (const cmd of ["resume", "rollback"]) {
        const r = await runIn(p, [cmd, id, "--force", "--skip-interrupted"]);
        expect(r.exitCode, `${cmd}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toContain(`runbook: journal ${id}.jsonl is being written by run ${id}`);
        // Nothing was stopped, nothing was written.
        expect(readFileSync(file, "utf8")).toBe(before);
        expect(alive(step)).toBe(true);
      }
    }
    writeFileSync(lock, held);
    writeFileSync(`${p.mark}.release`, "");
    expect((await writer).exitCode).toBe(0);
    expect(marks(p.mark)).toEqual(["started", "after"]);
    const types = journalEvents(p.state).map((e) => e.type);
    expect(types).not.toContain("run_resumed");
    expect(types.at(-1)).toBe("run_finished");
  });

  it("#10 resume keeps a complete first event that only lacks its newline, and carries on", async () => {
    const p = await runbookProject(`## Steps\n### A {#a}\n${fence("sh", 'echo a >> "$MARK"')}`);
    const crashed = await spawnCli(p, ["run", "rb.md"], { RUNBOOK_TEST_CRASH_AFTER_WRITE: "1" });
    expect(crashed.signal).toBe("SIGKILL");
    const file = journalFiles(p.state)[0]!;
    const first = readFileSync(file, "utf8").replace(/\n$/, "");
    expect(first).not.toContain("\n");
    writeFileSync(file, first);
    const r = await runIn(p, ["resume", onlyRunId(p.state)]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(file, "utf8").startsWith(`${first}\n`)).toBe(true);
    expect(journalEvents(p.state).map((e) => e.type)).toEqual(["run_started", "run_resumed", "attempt_started", "attempt_spawned", "attempt_finished", "step_finished", "run_finished"]);
    expect(marks(p.mark)).toEqual(["a"]);
  });

  it("#10 no reader cuts a live writer's journal: what looks like a torn last line is left alone until the lock is held", async () => {
    const p = await runbookProject(`## Steps\n### Slow {#slow}\n${fence("sh", 'echo started >> "$MARK"; while [ ! -e "$MARK.release" ]; do sleep 0.05; done')}`);
    const writer = spawnCli(p, ["run", "rb.md"]);
    await waitFor(spawned(p.state, () => marks(p.mark)));
    const id = onlyRunId(p.state);
    const file = journalFiles(p.state)[0]!;
    const before = readFileSync(file);
    // What a reader sees while the writer is half way through a line.
    const partial = '{"v":2,"seq":4,"ts":"2026-';
    appendFileSync(file, partial);
    for (const args of [["runs"], ["log", id], ["resume", id], ["resume", id, "--force", "--skip-interrupted"], ["rollback", id], ["rollback", id, "--dry-run"]]) {
      const r = await runIn(p, args);
      if (args[0] === "resume" || (args[0] === "rollback" && args.length === 2)) {
        expect(r.exitCode, args.join(" ")).toBe(2);
        expect(r.stderr, args.join(" ")).toContain("runbook is locked by run");
      }
      expect(readFileSync(file, "utf8"), args.join(" ")).toBe(`${before.toString("utf8")}${partial}`);
    }
    truncateSync(file, before.length);
    writeFileSync(`${p.mark}.release`, "");
    const r = await writer;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(journalEvents(p.state).at(-1)).toMatchObject({ type: "run_finished", status: "completed" });
  });

  it("#17 an interruption, and a resume after the runner was killed, stop what left the block's group too", async () => {
    const tag = `${process.pid}${Date.now() % 1000}`;
    const p = await runbookProject(`## Steps\n### Hang {#hang}\n${fence("sh", escapes(tag))}`);
    try {
      const interrupted = spawnCli(p, ["run", "rb.md"]);
      await waitFor(() => marks(p.mark).length === 1 && escaped(tag).length >= 3);
      interrupted.kill("SIGINT");
      expect((await interrupted).exitCode).toBe(130);
      await waitFor(() => escaped(tag).length === 0, 5000);
      const killed = spawnCli(p, ["resume", onlyRunId(p.state), "--rerun-interrupted"]);
      await waitFor(() => marks(p.mark).length === 2 && escaped(tag).length >= 3);
      killed.kill("SIGKILL");
      await killed;
      expect(escaped(tag).length).toBeGreaterThanOrEqual(3);
      const r = await runIn(p, ["resume", onlyRunId(p.state), "--skip-interrupted"]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/stopped (process group \d+|the processes \(found by their RUNBOOK_BLOCK tag\)) left running by the interrupted hang/);
      expect(escaped(tag)).toEqual([]);
    } finally {
      for (const pid of escaped(tag)) process.kill(pid, "SIGKILL");
    }
  });

  it("#14 the state folder and everything in it are private to their owner, whatever the umask", async () => {
    const p = await runbookProject(`## Steps\n### Slow {#slow}\n${fence("sh", 'echo started >> "$MARK"; while [ ! -e "$MARK.release" ]; do sleep 0.05; done')}`);
    const quoted = [process.execPath, BIN, "run", "rb.md"].map((a) => `'${a}'`).join(" ");
    const child = execa("bash", ["-c", `umask 000; exec ${quoted}`], { cwd: p.dir, env: { NO_COLOR: "1", CI: "true", ...p.env }, reject: false });
    await waitFor(() => marks(p.mark).length === 1);
    const mode = (f: string) => (statSync(f).mode & 0o777).toString(8);
    const files = [journalFiles(p.state)[0]!, path.join(p.state, "locks", "test-rb.lock")];
    expect([p.state, path.join(p.state, "runs"), path.join(p.state, "locks")].map(mode)).toEqual(["700", "700", "700"]);
    expect(files.map(mode)).toEqual(["600", "600"]);
    writeFileSync(`${p.mark}.release`, "");
    expect((await child).exitCode).toBe(0);
    expect(mode(journalFiles(p.state)[0]!)).toBe("600");
  });

  it("#18 a rollback killed with SIGKILL half way: resume says what was and was not undone, and rollback carries on", async () => {
    const step = (id: string, undo: string) => `### ${id} {#${id}}\n${fence("sh", `echo ${id} >> "$MARK"`)}${fence("sh rollback", undo)}`;
    const p = await runbookProject(
      `## Steps\n${step("a", 'echo undo-a >> "$MARK"')}${step("b", 'echo undo-b-start >> "$MARK"; if [ ! -e "$MARK.once" ]; then : > "$MARK.once"; sleep 30; fi; echo undo-b-end >> "$MARK"')}### c {#c}\n${fence("sh", "exit 1")}${fence("sh rollback", 'echo undo-c >> "$MARK"')}## Rollback\n${fence("sh", 'echo undo-all >> "$MARK"')}`,
    );
    const child = spawnCli(p, ["run", "rb.md", "--on-failure", "rollback"]);
    await waitFor(() => marks(p.mark).includes("undo-b-start"));
    child.kill("SIGKILL");
    await child;
    const id = onlyRunId(p.state);
    const resume = await runIn(p, ["resume", id]);
    expect(resume.exitCode).toBe(2);
    expect(resume.stderr).toContain(`a rollback of run ${id} was interrupted: undone c; not yet b, a, @rollback/1`);
    expect(resume.stderr).toContain(`runbook rollback ${id}`);
    const rollback = await runIn(p, ["rollback", id, "--rerun-interrupted"]);
    // The run failed at c and is now rolled back: exit 1, as for a rollback that was never cut.
    expect(rollback.exitCode, rollback.stdout + rollback.stderr).toBe(1);
    // Killed before or after it journaled the block's process group: found by the group, or by the block's tag.
    expect(rollback.stderr).toMatch(/stopped (process group \d+|the processes \(found by their RUNBOOK_BLOCK tag\)) left running by the interrupted b/);
    expect(marks(p.mark)).toEqual(["a", "b", "undo-c", "undo-b-start", "undo-b-start", "undo-b-end", "undo-a", "undo-all"]);
    expect(journalEvents(p.state).at(-1)).toMatchObject({ type: "run_finished", status: "rolled_back" });
    const again = await runIn(p, ["rollback", id]);
    expect(again.stdout).toContain("was already rolled back");
  }, 60_000);
});
