import { execa } from "execa";
import { chmodSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { marks, waitFor } from "../helpers/runbooks.js";
import { markingRunbook, runsCell, seenRunning, sharedRepos, type Shared } from "../helpers/shared.js";

/**
 * Outage safety of shared runs (docs/handoff.md), each with real git (a bare repository as the
 * remote, clones with their own state folders), real processes of the built CLI, and the steps'
 * marks, written by every step start on every clone: nothing may run twice.
 */

interface RunRow {
  runId: string;
  status: string;
  step: string | null;
  holder: { operator: string; host: string; pid: number; leaseUntil: string | null } | null;
}
const rows = (stdout: string) => JSON.parse(stdout) as RunRow[];
const remoteRefs = async (s: Shared) => String((await execa("git", ["for-each-ref", "--format=%(refname)", "refs/runbook/"], { cwd: s.remote })).stdout).split("\n").filter(Boolean);
/** A step that waits for `$MARK.<name>`, or for the test's folder to be gone: a step left running by a killed runner must not outlive its test. */
const waitsFor = (name: string) => `while [ ! -f "$MARK.${name}" ] && [ -e "\${MARK%/*}" ]; do sleep 0.05; done`;

function collect(p: { stderr?: NodeJS.ReadableStream | null; stdout?: NodeJS.ReadableStream | null }) {
  const out = { stdout: "", stderr: "" };
  p.stdout?.on("data", (c: Buffer) => (out.stdout += c.toString()));
  p.stderr?.on("data", (c: Buffer) => (out.stderr += c.toString()));
  return out;
}

describe("outage safety of shared runs", () => {
  it("#1 `share push` of a run live here (--offline) is refused before the remote is touched: nothing published, no free lock left, and no other clone can take the run up", async () => {
    const rb = markingRunbook("failover", [{ id: "one", body: waitsFor("go") }, { id: "two" }, { id: "three" }, { id: "four" }]);
    const s = await sharedRepos({ "runbooks/failover.md": rb });
    const [a, b] = s.clones;
    s.cut();
    const runner = a!.spawn(["run", "runbooks/failover.md", "--offline"]);
    const seen = collect(runner);
    await waitFor(() => marks(s.mark).includes("one"), 60_000);
    s.mend();
    expect(await remoteRefs(s)).toEqual([]);

    const push = await a!.run(["share", "push"]);
    expect(push.exitCode, push.stderr).toBe(1);
    expect(push.stdout).toMatch(/^\S+-failover-\S+ {2}not pushed: runbook is locked by run \S+ \(alice@.*, pid \d+, since .*\): it is live in this clone \(pid \d+\); nothing was pushed, push it once it stops\n$/);
    // Checked before the remote: no journal, no lock (free or not) on it.
    expect(await remoteRefs(s)).toEqual([]);
    const fromB = await b!.run(["resume", "last", "--rerun-interrupted"]);
    expect(fromB.exitCode).toBe(2);
    expect(fromB.stderr).toMatch(/no runs in|no run/);
    expect(marks(s.mark)).toEqual(["one"]);
    // In its own clone the offline run reads as live, held by its runner (no lease: the remote has none).
    expect(rows((await a!.run(["runs", "--format", "json"])).stdout)[0]).toMatchObject({ status: "live", holder: { operator: "alice", pid: runner.pid, leaseUntil: null } });

    writeFileSync(`${s.mark}.go`, "");
    expect((await runner).exitCode, seen.stderr).toBe(0);
    expect(marks(s.mark)).toEqual(["one", "two", "three", "four"]);
    // Once it stopped, it is pushed, and the other clone sees it ended; nothing ran twice.
    expect((await a!.run(["share", "push"])).stdout).toMatch(/ {2}pushed\n$/);
    expect(rows((await b!.run(["runs", "--format", "json"])).stdout)).toMatchObject([{ status: "completed" }]);
    expect((await b!.run(["resume", "last"])).stdout).toMatch(/already completed/);
    expect(marks(s.mark)).toEqual(["one", "two", "three", "four"]);
  }, 180_000);

  it("#2 a journal many times the read chunk and the push segment (a 3 MB offline run, 4 KiB chunks, 64 KiB segments) is pushed a segment at a time and reaches the other clone byte for byte", async () => {
    // 3 MB of output events, all between two pushes (the run is --offline).
    const rb = markingRunbook("bulk", [{ id: "one", body: "i=0; while [ $i -lt 45000 ]; do echo \"line $i of a large output, padded to about a hundred bytes ..........\"; i=$((i+1)); done" }, { id: "two" }]);
    const s = await sharedRepos({ "runbooks/bulk.md": rb });
    const [a, b] = s.clones;
    const small = { RUNBOOK_SHARE_CHUNK_BYTES: "4096", RUNBOOK_SHARE_SEGMENT_BYTES: "65536" };
    s.cut();
    const ran = await a!.run(["run", "runbooks/bulk.md", "--offline"], small);
    expect(ran.exitCode, ran.stderr).toBe(0);
    s.mend();
    const status = await a!.run(["share", "status"], small);
    expect(status.stdout).toMatch(/only in this clone \(\d+ events; never pushed/);
    const pushed = await a!.run(["share", "push"], small);
    expect([pushed.exitCode, pushed.stderr]).toEqual([0, ""]);
    const journalA = path.join(a!.dir, ".runbook", "runs", `${pushed.stdout.split(" ")[0]}.jsonl`);
    const size = readFileSync(journalA).length;
    expect(size).toBeGreaterThan(3_000_000);
    // A segment per push: the journal went up in about size / 64 KiB commits, each renewing the lease.
    const commits = Number(String((await execa("git", ["rev-list", "--count", `refs/runbook/runs/${path.basename(journalA, ".jsonl")}`], { cwd: s.remote })).stdout));
    expect(commits).toBeGreaterThanOrEqual(Math.floor(size / (2 * 65536)));
    const seen = await b!.run(["runs", "--format", "json"], small);
    expect(rows(seen.stdout)).toMatchObject([{ status: "completed" }]);
    expect(readFileSync(path.join(b!.dir, ".runbook", "runs", path.basename(journalA))).equals(readFileSync(journalA))).toBe(true);
    expect((await b!.run(["share", "status"], small)).stdout).toMatch(/1 run: 1 shared/);
    const log = await b!.run(["log", "last", "--format", "markdown"], small);
    expect(log.exitCode).toBe(0);
    expect(log.stdout).toMatch(/\*\*completed\*\*/);
    expect(marks(s.mark)).toEqual(["one", "two"]);
  }, 180_000);

  it("#2 SIGINT while the runner waits for its lease (the remote is away) interrupts the run, journaled and resumable; nothing runs twice", async () => {
    const rb = markingRunbook("dns", [{ id: "one", body: waitsFor("go") }, { id: "two" }, { id: "three" }]);
    const s = await sharedRepos({ "runbooks/dns.md": rb });
    const [a] = s.clones;
    const runner = a!.spawn(["run", "runbooks/dns.md"]);
    const seen = collect(runner);
    await waitFor(() => marks(s.mark).includes("one"), 60_000);
    s.cut();
    // The renewal on the heartbeat fails while step one runs: said at once, and the next step waits. (A
    // push in flight when the folder moves is turned down by the remote half-way: said as a refusal.)
    await waitFor(() => /could not renew the lease of dns on origin|origin refused the push that renews the lease of dns/.test(seen.stderr), 60_000, () => seen.stderr);
    writeFileSync(`${s.mark}.go`, "");
    await waitFor(() => seen.stderr.includes("waiting before the next step"), 60_000, () => seen.stderr);
    runner.kill("SIGINT");
    const done = await runner;
    expect(done.exitCode, seen.stderr).toBe(130);
    expect(marks(s.mark)).toEqual(["one"]);
    const log = JSON.parse((await a!.run(["log", "last", "--format", "json"])).stdout) as Array<{ type: string; signal?: string; target?: string }>;
    const story = JSON.stringify(log.map((e) => [e.type, e.target ?? e.signal]));
    expect(log.find((e) => e.type === "run_interrupted"), `${story}\n${seen.stderr}`).toMatchObject({ signal: "SIGINT", target: "two" });
    s.mend();
    // Its own lease, on this host, of a runner that is gone: --force takes it at once.
    const resumed = await a!.run(["resume", "last", "--rerun-interrupted", "--force"]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(marks(s.mark)).toEqual(["one", "two", "three"]);
  }, 180_000);

  it("#4 a runner whose lease was taken over during its last step never reports completed or exits 0: it says so, and what the shared record says", async () => {
    const rb = markingRunbook("failover", [{ id: "one" }, { id: "two", body: waitsFor("go") }]);
    const s = await sharedRepos({ "runbooks/failover.md": rb }, { hosts: { bob: "bob-laptop" } });
    const [a, b] = s.clones;
    // alice reaches the remote through a link of her own, so that she alone can be cut off from it.
    const via = path.join(s.root, "via-alice.git");
    symlinkSync(s.remote, via);
    await execa("git", ["remote", "set-url", "origin", via], { cwd: a!.dir });
    const runner = a!.spawn(["run", "runbooks/failover.md"]);
    const seen = collect(runner);
    await waitFor(() => marks(s.mark).includes("two"), 60_000);
    // The remote knows step two began (pushed in the background) before she is cut off.
    await seenRunning(b!, "two");
    unlinkSync(via);
    // Her lease runs out; bob takes the run over and says the cut-short step was done by hand.
    let row: RunRow | undefined;
    for (const until = Date.now() + 60_000; Date.now() < until; ) {
      row = rows((await b!.run(["runs", "--format", "json"])).stdout)[0];
      if (row?.status === "interrupted") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(row).toMatchObject({ status: "interrupted", step: "two" });
    const taken = await b!.run(["resume", "last", "--mark-interrupted-done"]);
    expect(taken.exitCode, taken.stderr).toBe(0);
    expect(taken.stderr).toMatch(/took over the lock of failover: the lease of run \S+ \(alice@/);
    // On another host, bob's resume leaves alice's block alone: it is hers to finish.
    expect(taken.stderr).not.toMatch(/stopped process group/);

    symlinkSync(s.remote, via);
    await waitFor(() => seen.stderr.includes("lost the lock of failover on origin"), 60_000);
    writeFileSync(`${s.mark}.go`, "");
    const done = await runner;
    expect(done.exitCode, seen.stderr).toBe(2);
    expect(seen.stderr).toMatch(/runbook: lost the lock of failover on origin to run \S+ \(bob@[^)]*\): what this runner did after that is only in this clone, and the run is not reported as ended \(not completed\) here\.\norigin's record of run \S+: completed; 2 of 2 steps done; resumed by bob@\S+ at \S+; ended at \S+\n/);
    expect(done.stdout).not.toMatch(/: completed/);
    // Her clone sees the run as bob ended it; what she journaled after she lost the lock is kept.
    const listed = await a!.run(["runs", "--format", "json"]);
    expect(rows(listed.stdout)[0]).toMatchObject({ status: "completed" });
    expect(listed.stderr).toMatch(/went on elsewhere after this clone's last push/);
    expect(marks(s.mark)).toEqual(["one", "two"]);
  }, 180_000);

  it("#4 a lock taken over between two heartbeats of the last step is found before the end is journaled: no run_finished, exit 2", async () => {
    const rb = markingRunbook("failover", [{ id: "one" }, { id: "two", body: waitsFor("go") }]);
    // A long lease: alice's next heartbeat is 30 s away when her last step ends.
    const s = await sharedRepos({ "runbooks/failover.md": rb }, { hosts: { bob: "bob-laptop" }, lease: "2m" });
    const [a, b] = s.clones;
    const runner = a!.spawn(["run", "runbooks/failover.md"]);
    const seen = collect(runner);
    await waitFor(() => marks(s.mark).includes("two"), 60_000);
    const taken = await b!.run(["resume", "last", "--force", "--mark-interrupted-done"]);
    expect(taken.exitCode, taken.stderr).toBe(0);
    writeFileSync(`${s.mark}.go`, "");
    const done = await runner;
    expect(done.exitCode, seen.stderr).toBe(2);
    expect(seen.stderr).toContain("lost the lock of failover on origin to run");
    expect(done.stdout).not.toMatch(/: completed/);
    // alice's own journal never says the run ended: only bob's record does.
    const own = readFileSync(path.join(a!.dir, ".runbook", "runs", readdirSync(path.join(a!.dir, ".runbook", "runs")).find((f) => f.endsWith(".jsonl"))!), "utf8");
    expect(own).not.toContain('"type":"run_finished"');
    expect(marks(s.mark)).toEqual(["one", "two"]);
  }, 180_000);

  it("#4 a runner cut off from the remote whose lease ran out during its last step, which another machine took over, does not report completed either: it cannot tell, and says so", async () => {
    const rb = markingRunbook("failover", [{ id: "one" }, { id: "two", body: waitsFor("go") }]);
    const s = await sharedRepos({ "runbooks/failover.md": rb }, { hosts: { bob: "bob-laptop" } });
    const [a, b] = s.clones;
    const via = path.join(s.root, "via-alice.git");
    symlinkSync(s.remote, via);
    await execa("git", ["remote", "set-url", "origin", via], { cwd: a!.dir });
    const runner = a!.spawn(["run", "runbooks/failover.md"]);
    const seen = collect(runner);
    await waitFor(() => marks(s.mark).includes("two"), 60_000);
    // The remote knows step two began (pushed in the background) before she is cut off.
    await seenRunning(b!, "two");
    unlinkSync(via);
    let row: RunRow | undefined;
    for (const until = Date.now() + 60_000; Date.now() < until; ) {
      row = rows((await b!.run(["runs", "--format", "json"])).stdout)[0];
      if (row?.status === "interrupted") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect((await b!.run(["resume", "last", "--mark-interrupted-done"])).exitCode).toBe(0);
    // Her step ends while she still cannot reach the remote.
    writeFileSync(`${s.mark}.go`, "");
    const done = await runner;
    expect(done.exitCode, seen.stderr).toBe(2);
    expect(seen.stderr).toMatch(/runbook: the lease of failover on origin expired at \S+ while this run went on, and origin cannot be reached \([^)]*\): another machine may have taken the run over, so the run is not reported as ended \(not completed\) here\.\norigin's record of run \S+: it could not be read\n/);
    symlinkSync(s.remote, via);
    const listed = await a!.run(["runs", "--format", "json"]);
    expect(rows(listed.stdout)[0]).toMatchObject({ status: "completed" });
    const log = JSON.parse((await a!.run(["log", "last", "--format", "json"])).stdout) as Array<{ type: string; operator?: string }>;
    expect(log.find((e) => e.type === "run_resumed")).toMatchObject({ operator: "bob" });
    expect(marks(s.mark)).toEqual(["one", "two"]);
  }, 180_000);

  it("#6 a remote that refuses pushes (a pre-receive hook) is reported at once with its reason, asked again on the heartbeat only, and SIGTERM still interrupts the waiting runner", async () => {
    const rb = markingRunbook("cache", [{ id: "one", body: waitsFor("go") }, { id: "two" }, { id: "three" }]);
    const s = await sharedRepos({ "runbooks/cache.md": rb }, { lease: "6s" });
    const [a, b] = s.clones;
    const hook = path.join(s.remote, "hooks", "pre-receive");
    const calls = path.join(s.root, "hook-calls");
    const install = () => {
      writeFileSync(hook, `#!/bin/sh\necho x >> "${calls}"\nprintf 'refs/runbook/* are frozen by the change board \\033[2J\\n' >&2\nexit 1\n`);
      chmodSync(hook, 0o755);
    };

    // Refused from the start: nothing runs, and the remote's words are shown (escaped).
    install();
    const refused = await b!.run(["run", "runbooks/cache.md"]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("runbook: origin refused the push that takes the lock of cache: refs/runbook/* are frozen by the change board \\e[2J (pre-receive hook declined)\n");
    expect(refused.stderr).not.toContain("\u001b");
    expect(marks(s.mark)).toEqual([]);
    rmSync(hook);
    rmSync(calls, { force: true });

    // Refused while a runner holds the lock: said within the lease, with the reason.
    const runner = a!.spawn(["run", "runbooks/cache.md"]);
    const seen = collect(runner);
    await waitFor(() => marks(s.mark).includes("one"), 60_000);
    install();
    const installed = Date.now();
    await waitFor(() => seen.stderr.includes("origin refused the push that renews the lease of cache"), 60_000);
    expect(Date.now() - installed).toBeLessThan(6000);
    expect(seen.stderr).toMatch(/origin refused the push that renews the lease of cache: refs\/runbook\/\* are frozen by the change board \\e\[2J \(pre-receive hook declined\)\. The lease ends at \S+ unless a push gets through/);
    writeFileSync(`${s.mark}.go`, "");
    await waitFor(() => seen.stderr.includes("waiting before the next step"), 60_000);
    expect(seen.stderr).toMatch(/cannot renew the lease on origin \(origin refused the push: refs\/runbook\/\* are frozen/);
    // Two seconds of waiting: a handful of attempts (heartbeats), not hundreds.
    const before = readFileSync(calls, "utf8").split("\n").length;
    await new Promise((r) => setTimeout(r, 2000));
    const during = readFileSync(calls, "utf8").split("\n").length - before;
    expect(during).toBeLessThanOrEqual(4);
    runner.kill("SIGTERM");
    const done = await runner;
    expect(done.exitCode, seen.stderr).toBe(130);
    expect(marks(s.mark)).toEqual(["one"]);
    const log = JSON.parse((await a!.run(["log", "last", "--format", "json"])).stdout) as Array<{ type: string; signal?: string }>;
    expect(log.find((e) => e.type === "run_interrupted")).toMatchObject({ signal: "SIGTERM" });

    rmSync(hook);
    const resumed = await a!.run(["resume", "last", "--rerun-interrupted", "--force"]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(marks(s.mark)).toEqual(["one", "two", "three"]);
    expect(rows((await b!.run(["runs", "--format", "json"])).stdout)).toMatchObject([{ status: "completed" }]);
  }, 180_000);

  it("#9 after a takeover, `runs` and `handoff` show who holds the run now (the new holder's lease), never the dead holder's", async () => {
    // three is irreversible: a runner never reserves it ahead, so the takeover has no doubt about it (run/reservations.ts).
    const rb = markingRunbook("failover", [{ id: "one" }, { id: "two", body: waitsFor("go2") }, { id: "three", body: waitsFor("go3"), info: 'sh irreversible="test: a point of no return"' }]);
    const s = await sharedRepos({ "runbooks/failover.md": rb }, { operators: ["alice", "bob", "carol"], hosts: { bob: "bob-laptop" } });
    const [a, b, c] = s.clones;
    const runner = a!.spawn(["run", "runbooks/failover.md", "--yes", "--confirm-irreversible", "three"]);
    await waitFor(() => marks(s.mark).includes("two"), 60_000);
    await seenRunning(c!, "two");
    runner.kill("SIGKILL");
    await runner;
    let row: RunRow | undefined;
    for (const until = Date.now() + 60_000; Date.now() < until; ) {
      row = rows((await c!.run(["runs", "--format", "json"])).stdout)[0];
      if (row?.status === "interrupted") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(row).toMatchObject({ status: "interrupted", holder: null });
    const bob = b!.spawn(["resume", "last", "--mark-interrupted-done", "--yes", "--confirm-irreversible", "three"]);
    const bobSeen = collect(bob);
    await waitFor(() => marks(s.mark).includes("three"), 60_000, () => bobSeen.stderr);
    // Bob's runner pushes in the background: the remote knows step three began a moment later.
    await seenRunning(c!, "three");
    for (const clone of [a!, c!]) {
      const listed = rows((await clone.run(["runs", "--format", "json"])).stdout)[0];
      expect(listed).toMatchObject({ status: "live", step: "three", holder: { operator: "bob", pid: bob.pid } });
      const table = (await clone.run(["runs"])).stdout;
      const id = listed!.runId;
      expect(runsCell(table, id, "STATE")).toMatch(/^live \(bob@\S+, lease until \d\d:\d\d:\d\dZ\)$/);
      expect(runsCell(table, id, "STEP")).toBe("running three");
      const handoff = (await clone.run(["handoff", "--format", "text"])).stdout;
      expect(handoff).toMatch(new RegExp(`held by: +bob@\\S+ \\(pid ${bob.pid}, lease until`));
    }
    writeFileSync(`${s.mark}.go3`, "");
    expect((await bob).exitCode, bobSeen.stderr).toBe(0);
    // alice's `two` began on her machine (bob marked it done, and left her block alone: another host's); nothing ran twice.
    expect(marks(s.mark)).toEqual(["one", "two", "three"]);
    writeFileSync(`${s.mark}.go2`, "");
  }, 180_000);
});
