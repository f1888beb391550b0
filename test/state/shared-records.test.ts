import { JOURNAL_VERSION } from "../../src/journal/events.js";
import { execa } from "execa";
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { JournalWriter, readJournal } from "../../src/journal/store.js";
import { processStartTime } from "../../src/system/proc.js";
import { syncShared } from "../../src/state/shared/sync.js";
import { marks, runbookProject, runIn, waitFor } from "../helpers/runbooks.js";
import { markingRunbook, seenRunning, sharedRepos, type Clone, type Shared } from "../helpers/shared.js";

/**
 * What shared runs keep and show (docs/handoff.md): journals set aside, rewritten histories, locks
 * written by someone else, files that are not files, closed runs. Real git, real processes of the
 * built CLI, and the steps' marks: nothing may run twice.
 */

interface RunRow {
  runId: string;
  status: string;
  step: string | null;
  holder: unknown;
  closedBy?: string;
  reason?: string;
}
const rows = (stdout: string) => JSON.parse(stdout) as RunRow[];
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** A step that waits for `$MARK.<name>`, or for the test's folder to be gone: a step left running by a killed runner must not outlive its test. */
const waitsFor = (name: string) => `while [ ! -f "$MARK.${name}" ] && [ -e "\${MARK%/*}" ]; do sleep 0.05; done`;
const bare = (s: Shared, args: string[], input?: string) => execa("git", args, { cwd: s.remote, ...(input !== undefined ? { input } : {}) }).then((r) => String(r.stdout).trim());

async function waitInterrupted(c: Clone): Promise<RunRow> {
  for (const until = Date.now() + 60_000; Date.now() < until; ) {
    const row = rows((await c.run(["runs", "--format", "json"])).stdout)[0];
    if (row?.status === "interrupted") return row;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the run never read as interrupted");
}

/** A lock commit made on the remote itself, as anyone who may push could make one. */
async function forgeLease(s: Shared, runbookId: string, lease: Record<string, unknown>): Promise<void> {
  const blob = await bare(s, ["hash-object", "-w", "--stdin"], `${JSON.stringify(lease)}\n`);
  const tree = await bare(s, ["mktree"], `100644 blob ${blob}\tlock.json\n`);
  const commit = await bare(s, ["-c", "user.name=mallory", "-c", "user.email=m@x", "commit-tree", tree, "-m", "forged"]);
  await bare(s, ["update-ref", `refs/runbook/locks/${runbookId}`, commit]);
}

describe("what shared runs keep and show", () => {
  it("#3 two divergences of one run in the same millisecond set aside two journals under two names: neither replaces the other, and each holds what it held", async () => {
    const s = await sharedRepos({ "runbooks/rb.md": markingRunbook("rb", [{ id: "one" }]) });
    const [a, b] = s.clones;
    expect((await a!.run(["run", "runbooks/rb.md"])).exitCode).toBe(0);
    const state = path.join(a!.dir, ".runbook");
    const runId = readdirSync(path.join(state, "runs")).find((f) => f.endsWith(".jsonl"))!.slice(0, -".jsonl".length);
    const journal = path.join(state, "runs", `${runId}.jsonl`);
    const unpushed = (text: string) => {
      const w = JournalWriter.continue(journal, readJournal(journal));
      w.append({ type: "note", text, by: "alice" });
      w.close();
    };
    const config = { repo: a!.dir, remote: "origin", leaseMs: 3000, timeoutMs: 5000 };
    // Bob's clone writes to the run's journal too and shares it (a note is a record on the notes ref
    // now, so the journal is written here by hand, as a second runner would).
    await b!.run(["runs"]);
    const bobState = path.join(b!.dir, ".runbook");
    const bobJournal = path.join(bobState, "runs", `${runId}.jsonl`);
    const bobWrites = async (text: string) => {
      const w = JournalWriter.continue(bobJournal, readJournal(bobJournal));
      w.append({ type: "note", text, by: "bob" });
      w.close();
      const pushed = await b!.run(["share", "push", runId]);
      expect(pushed.exitCode, pushed.stderr).toBe(0);
    };
    // The same instant twice: the old names (to the second) collided, and the second replaced the first.
    const at = Date.parse("2026-12-02T10:00:00.000Z");

    unpushed("alice 1, never pushed");
    await bobWrites("bob 1");
    const first = await syncShared(config, state, () => at);
    const k1 = first.runs.find((r) => r.runId === runId);
    expect(k1).toEqual({ runId, status: "diverged", kept: `${journal}.kept-20261202T100000.000Z` });

    unpushed("alice 2, never pushed");
    await bobWrites("bob 2");
    const second = await syncShared(config, state, () => at);
    expect(second.runs.find((r) => r.runId === runId)).toEqual({ runId, status: "diverged", kept: `${journal}.kept-20261202T100000.000Z-2` });

    const text = (f: string) => readFileSync(f, "utf8");
    expect(text(`${journal}.kept-20261202T100000.000Z`)).toContain("alice 1, never pushed");
    expect(text(`${journal}.kept-20261202T100000.000Z`)).not.toContain("bob 1");
    expect(text(`${journal}.kept-20261202T100000.000Z-2`)).toMatch(/bob 1[\s\S]*alice 2, never pushed/);
    expect(text(journal)).toMatch(/bob 1[\s\S]*bob 2/);
    expect(text(journal)).not.toContain("never pushed");
    const status = await a!.run(["share", "status"]);
    expect(status.stdout).toContain(`  ${journal}.kept-20261202T100000.000Z\n  ${journal}.kept-20261202T100000.000Z-2\n`);
    expect(marks(s.mark)).toEqual(["one"]);
  }, 120_000);

  it("#5 a run whose ref on the remote was rewritten (not a fast-forward) is reported as rewritten, never as gone on elsewhere; both versions are kept; put back, it is shared again", async () => {
    const s = await sharedRepos({ "runbooks/rb.md": markingRunbook("rb", [{ id: "one" }, { id: "two" }]) });
    const [a, b] = s.clones;
    expect((await a!.run(["run", "runbooks/rb.md"])).exitCode).toBe(0);
    expect(rows((await b!.run(["runs", "--format", "json"])).stdout)).toMatchObject([{ status: "completed" }]);
    const runId = rows((await b!.run(["runs", "--format", "json"])).stdout)[0]!.runId;
    const journal = path.join(b!.dir, ".runbook", "runs", `${runId}.jsonl`);
    const before = readFileSync(journal);
    const original = await bare(s, ["rev-parse", `refs/runbook/runs/${runId}`]);

    // Someone force-pushes a history of their own: the first two lines, and a run that "completed" at once.
    const lines = before.toString("utf8").split("\n");
    const forged = `${lines.slice(0, 2).join("\n")}\n{"forged":true}\n`;
    const blob = await bare(s, ["hash-object", "-w", "--stdin"], forged);
    const tree = await bare(s, ["mktree"], `100644 blob ${blob}\t000001.jsonl\n`);
    const rewritten = await bare(s, ["-c", "user.name=mallory", "-c", "user.email=m@x", "commit-tree", tree, "-m", `rewritten [bytes ${Buffer.byteLength(forged)}]`]);
    await bare(s, ["update-ref", `refs/runbook/runs/${runId}`, rewritten]);

    const seen = await b!.run(["runs", "--format", "json"]);
    expect(seen.exitCode).toBe(0);
    expect(seen.stderr).not.toMatch(/went on elsewhere/);
    expect(seen.stderr).toMatch(new RegExp(`runbook: run ${runId}'s history on origin was rewritten \\(not a fast-forward of what this clone had fetched: someone force-pushed it\\), and it says otherwise than this clone's journal: this clone's journal stays the run here; origin's version is kept as \\S+\\.jsonl\\.rewritten-\\S+; nothing is taken from origin for this run until its history is put back\\n`));
    const kept = /kept as (\S+\.rewritten-\S+);/.exec(seen.stderr)![1]!;
    expect(readFileSync(kept, "utf8")).toBe(forged);
    expect(readFileSync(journal).equals(before)).toBe(true);
    expect(rows(seen.stdout)).toMatchObject([{ status: "completed" }]);

    // Asked again: still rewritten, nothing taken, nothing kept twice; the run cannot be taken up here.
    const again = await b!.run(["share", "status"]);
    expect(again.stdout).toMatch(/1 run: 0 shared, 0 with events not pushed, 0 only in this clone, 0 taken over elsewhere, 1 rewritten on origin/);
    expect(readdirSync(path.dirname(journal)).filter((f) => f.includes(".rewritten-"))).toHaveLength(1);
    expect(readFileSync(journal).equals(before)).toBe(true);
    // A note is a record on the run's notes ref, not a journal line: it is left whatever the journal's history.
    const note = await b!.run(["note", runId, "looking into it"]);
    expect(note.exitCode, note.stderr).toBe(0);
    expect(note.stdout).toContain(`refs/runbook/notes/${runId}`);
    expect(readFileSync(journal).equals(before)).toBe(true);
    // The clone that ran it sees the same.
    expect((await a!.run(["runs"])).stderr).toMatch(/history on origin was rewritten/);

    // Put back: reported once more (its ref moved again), agrees, and is shared again.
    await bare(s, ["update-ref", `refs/runbook/runs/${runId}`, original]);
    const restored = await b!.run(["share", "status"]);
    expect(restored.stderr).toMatch(/history on origin was rewritten .*; its journal still agrees with this clone's, so nothing is lost/);
    expect((await b!.run(["share", "status"])).stdout).toMatch(/1 run: 1 shared, 0 with events not pushed, 0 only in this clone, 0 taken over elsewhere, 0 rewritten on origin/);
    expect(marks(s.mark)).toEqual(["one", "two"]);
  }, 120_000);

  it("#7 a lock written by someone else is printed escaped everywhere; a lock naming this host and a pid that is no runbook runner (pid 1, a sleep) does not block --force", async () => {
    const s = await sharedRepos({ "runbooks/rb.md": markingRunbook("rb", [{ id: "one" }]), "runbooks/rb2.md": markingRunbook("rb2", [{ id: "after-sleep" }]) });
    const [, b] = s.clones;
    const evil = {
      runId: "20261202T000000Z-rb-dead\u001b[2J",
      user: "mal\u001b]0;pwned\u0007lory",
      host: "evil\nrunbook: forged line",
      pid: 4242,
      startTime: null,
      startedAt: "2026-12-02T00:00:00Z\u001b[31m",
      renewedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
      released: false,
    };
    await forgeLease(s, "rb", evil);
    const refused = await b!.run(["run", "runbooks/rb.md"]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).not.toMatch(CONTROL);
    expect(refused.stderr.trimEnd().split("\n")).toHaveLength(2);
    expect(refused.stderr).toContain("runbook: runbook is locked by run 20261202T000000Z-rb-dead\\e[2J (mal\\e]0;pwned\\x07lory@evil\\nrunbook: forged line, pid 4242, since 2026-12-02T00:00:00Z\\e[31m)\n");
    for (const args of [["share", "status"], ["runs"], ["handoff"]]) {
      const r = await b!.run(args);
      expect(r.exitCode, args.join(" ")).toBe(0);
      expect(r.stdout + r.stderr, args.join(" ")).not.toMatch(CONTROL);
    }
    expect((await b!.run(["share", "status"])).stdout).toContain("held: run 20261202T000000Z-rb-dead\\e[2J (mal\\e]0;pwned\\x07lory@evil\\nrunbook: forged line, pid 4242)");
    const forced = await b!.run(["run", "runbooks/rb.md", "--force"]);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stderr).not.toMatch(CONTROL);
    expect(forced.stderr).toContain("took over the live lease of run 20261202T000000Z-rb-dead\\e[2J (mal\\e]0;pwned\\x07lory@evil\\nrunbook: forged line,");
    expect(marks(s.mark)).toEqual(["one"]);

    // A live lease naming this host and a `sleep`: not a runner, so --force takes it (and only --force).
    const sleeper = execa("sleep", ["600"]);
    try {
      await forgeLease(s, "rb2", { ...evil, runId: "20261202T000001Z-rb2-sleep", user: "nobody", host: os.hostname(), pid: sleeper.pid, startTime: processStartTime(sleeper.pid!) ?? null, startedAt: "2026-12-02T00:00:01Z" });
      const held = await b!.run(["run", "runbooks/rb2.md"]);
      expect(held.exitCode).toBe(2);
      expect(held.stderr).toContain(`pid ${sleeper.pid} on this host is not a runbook runner (its command line says so): if no run is going on, pass --force.`);
      const taken = await b!.run(["run", "runbooks/rb2.md", "--force"]);
      expect(taken.exitCode, taken.stderr).toBe(0);
      expect(taken.stderr).toMatch(/took over the live lease of run 20261202T000001Z-rb2-sleep \(nobody@/);
    } finally {
      sleeper.kill("SIGKILL");
      await sleeper.catch(() => undefined);
    }
    expect(marks(s.mark)).toEqual(["one", "after-sleep"]);

    // The state folder's own lock naming pid 1 on this host, with control characters in it.
    const p = await runbookProject("## Steps\n\n### One {#one}\n\n```sh\necho one >> \"$MARK\"\n```\n");
    mkdirSync(path.join(p.state, "locks"), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(p.state, "locks", "test-rb.lock"), JSON.stringify({ runId: "x\u001b[2J", user: "u\u001b", host: os.hostname(), pid: 1, startTime: null, startedAt: "t" }));
    const local = await runIn(p, ["run", p.file]);
    expect(local.exitCode).toBe(2);
    expect(local.stderr).not.toMatch(CONTROL);
    expect(local.stderr).toContain("runbook is locked by run x\\e[2J (u\\e@");
    expect(local.stderr).toContain("pid 1 on this host is not a runbook runner (its command line says so): if no run is going on, pass --force.");
    const localForced = await runIn(p, ["run", p.file, "--force"]);
    expect(localForced.exitCode, localForced.stderr).toBe(0);
    expect(localForced.stderr).toContain("took over the lock of run x\\e[2J (pid 1 on this host is not a runbook runner (--force))");
    expect(marks(p.mark)).toEqual(["one"]);
  }, 120_000);

  it("#8 a FIFO or a device in the state folder or the note inbox never blocks a reader: each command answers, and says what it found", async () => {
    const s = await sharedRepos({ "runbooks/rb.md": markingRunbook("rb", [{ id: "one" }]), "runbooks/other.md": markingRunbook("other", [{ id: "elsewhere" }]) });
    const [a] = s.clones;
    expect((await a!.run(["run", "runbooks/rb.md"])).exitCode).toBe(0);
    const state = path.join(a!.dir, ".runbook");
    const runId = rows((await a!.run(["runs", "--format", "json"])).stdout)[0]!.runId;
    const fifo = (f: string) => {
      mkdirSync(path.dirname(f), { recursive: true, mode: 0o700 });
      return execa("mkfifo", [f]);
    };
    const ghost = "20261202T000000Z-ghost-abcd";
    const zero = "20261202T000001Z-zero-abcd";
    await fifo(path.join(state, "runs", `${ghost}.jsonl`));
    await fifo(path.join(state, "runs", `${runId}.jsonl.notes`, "20261202T000000000Z-deadbeef.json"));
    await fifo(path.join(state, "locks", "other.lock"));
    await fifo(path.join(state, "cache", "lint-cache.jsonl"));
    await fifo(path.join(a!.dir, "runbooks", "pipe.md"));
    // A device that never ends (/dev/zero): made where root may, linked to where it may not.
    const device = path.join(state, "runs", `${zero}.jsonl`);
    if (process.getuid?.() === 0) await execa("mknod", [device, "c", "1", "5"]);
    else symlinkSync("/dev/zero", device);

    const runs = await a!.run(["runs", "--format", "json"]);
    expect(runs.exitCode, runs.stderr).toBe(0);
    const listed = rows(runs.stdout) as Array<RunRow & { error?: string }>;
    expect(listed.find((r) => r.runId === ghost)).toMatchObject({ status: "unreadable", error: expect.stringMatching(/not a regular file \(a FIFO \(named pipe\)\)/) });
    expect(listed.find((r) => r.runId === zero)).toMatchObject({ status: "unreadable", error: expect.stringMatching(/not a regular file|symbolic link/) });
    expect(listed.find((r) => r.runId === runId)).toMatchObject({ status: "completed" });
    const status = await a!.run(["share", "status"]);
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toContain(`${ghost}  left alone: ${ghost}.jsonl is a FIFO (named pipe), not a journal`);
    expect((await a!.run(["handoff", "--format", "json"])).exitCode).toBe(0);
    const noted = await a!.run(["note", runId, "checked by hand"]);
    expect(noted.exitCode, noted.stderr).toBe(0);
    expect(noted.stdout).toContain(`Noted on run ${runId} by alice (on origin, refs/runbook/notes/${runId})`);
    const log = await a!.run(["log", ghost]);
    expect(log.exitCode).toBe(2);
    expect(log.stderr).toMatch(/not a regular file \(a FIFO \(named pipe\)\)/);
    const lint = await a!.run(["lint", "runbooks/rb.md"]);
    expect([0, 1], lint.stderr).toContain(lint.exitCode);
    const pipe = await a!.run(["lint", "runbooks/pipe.md"]);
    expect(pipe.exitCode).toBe(2);
    expect(pipe.stdout + pipe.stderr).toMatch(/not a regular file \(a FIFO \(named pipe\)\)/);
    // A FIFO where a lock should be is an unreadable lock: refused, then replaced with --force.
    const other = await a!.run(["run", "runbooks/other.md"]);
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toMatch(/other\.lock is unreadable/);
    expect((await a!.run(["run", "runbooks/other.md", "--force"])).exitCode).toBe(0);
    expect(marks(s.mark)).toEqual(["one", "elsewhere"]);
  }, 120_000);

  it("#10 `runbook close` ends an abandoned run (journaled with who and why, pushed): it leaves the open runs, cannot be resumed or rolled back, and a live or ended run is refused", async () => {
    const rb = markingRunbook("drill", [{ id: "one" }, { id: "two", body: waitsFor("go") }]);
    // A lease that outlasts the look at the remote and the first `close` below on a busy machine.
    const s = await sharedRepos({ "runbooks/drill.md": rb, "runbooks/quick.md": markingRunbook("quick", [{ id: "quick" }]) }, { lease: "10s" });
    const [a, b] = s.clones;
    const runner = a!.spawn(["run", "runbooks/drill.md"]);
    await waitFor(() => marks(s.mark).includes("two"), 60_000);
    // Pushed in the background: the remote knows step two began before its runner dies.
    await seenRunning(b!, "two");
    runner.kill("SIGKILL");
    await runner;
    const reason = "drill abandoned: staging was rebuilt";

    const live = await b!.run(["close", "last", "--reason", reason]);
    expect(live.exitCode).toBe(2);
    expect(live.stderr).toMatch(/runbook: cannot close run \S+: its runbook is held by run \S+ \(alice@.*\)\nIt is live: stop it first/);
    expect((await b!.run(["close", "last"])).exitCode).toBe(2);
    const empty = await b!.run(["close", "last", "--reason", "  "]);
    expect([empty.exitCode, empty.stderr]).toEqual([2, expect.stringContaining('close needs --reason "…"')]);

    const row = await waitInterrupted(b!);
    const closed = await b!.run(["close", "last", "--reason", reason]);
    expect([closed.exitCode, closed.stdout], closed.stderr).toEqual([0, `Closed run ${row.runId} by bob: ${reason}\n`]);

    // Pushed: the other clone sees it closed, by whom and why, and not among the open runs.
    const seen = rows((await a!.run(["runs", "--format", "json"])).stdout)[0];
    expect(seen).toMatchObject({ runId: row.runId, status: "closed", closedBy: "bob", reason });
    expect((await a!.run(["runs"])).stdout).toMatch(/closed by bob +interrupted two\n/);
    const handoff = (await a!.run(["handoff"])).stdout;
    expect(handoff).toMatch(/## Open runs \(0\)/);
    expect(handoff).toMatch(new RegExp(`## Ended in the window \\(1\\)\\n\\n- \`${row.runId}\` drill runbook: closed by bob at `));
    expect(handoff).toContain(`  - reason: drill abandoned: staging was rebuilt`);
    const log = (await a!.run(["log", "last", "--format", "markdown"])).stdout;
    expect(log).toContain(`run **closed** by **bob**: ${reason}`);
    expect(log).toMatch(/## Outcome\n\n\*\*closed\*\* by bob \(drill abandoned: staging was rebuilt\)/);
    const events = JSON.parse((await a!.run(["log", "last", "--format", "json"])).stdout) as Array<Record<string, unknown>>;
    expect(events.at(-1)).toMatchObject({ type: "run_finished", status: "closed", exitCode: 0, by: "bob", note: reason, v: JOURNAL_VERSION });

    const resume = await a!.run(["resume", "last", "--rerun-interrupted"]);
    expect(resume.exitCode).toBe(2);
    expect(resume.stderr).toContain(`runbook: run ${row.runId} was closed by bob (${reason}); it cannot be resumed`);
    const rollback = await a!.run(["rollback", "last", "--yes"]);
    expect(rollback.exitCode).toBe(2);
    expect(rollback.stderr).toContain(`runbook: run ${row.runId} was closed by bob (${reason}); it cannot be rolled back`);
    const twice = await a!.run(["close", "last", "--reason", "again"]);
    expect(twice.exitCode).toBe(2);
    expect(twice.stderr).toMatch(new RegExp(`runbook: run ${row.runId} was already closed by bob \\(${reason}\\) at \\S+; there is nothing to close`));

    expect((await b!.run(["run", "runbooks/quick.md"])).exitCode).toBe(0);
    const ended = await b!.run(["close", "last", "--reason", "tidy"]);
    expect(ended.exitCode).toBe(2);
    expect(ended.stderr).toMatch(/already ended: completed at \S+; there is nothing to close/);
    const stats = JSON.parse((await b!.run(["stats", "--format", "json"])).stdout) as { all: { closed: number; ended: number; completed: number } };
    expect(stats.all).toMatchObject({ closed: 1, ended: 1, completed: 1 });
    // Nothing ran twice; alice's cut-short block, left running by her killed runner, is let go.
    expect(marks(s.mark)).toEqual(["one", "two", "quick"]);
    writeFileSync(`${s.mark}.go`, "");
  }, 180_000);
});
