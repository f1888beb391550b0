import { execa } from "execa";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { JournalWriter, readJournal } from "../../src/journal/store.js";
import { journalFiles, marks, waitFor } from "../helpers/runbooks.js";
import { markingRunbook, sharedRepos } from "../helpers/shared.js";
import { tempDir } from "../helpers/tmp.js";

const RACER = fileURLToPath(new URL("../helpers/share-race.mjs", import.meta.url));

interface RunRow {
  runId: string;
  status: string;
  step: string | null;
  holder: { operator: string; host: string; leaseUntil: string | null } | null;
}
const rows = (stdout: string) => JSON.parse(stdout) as RunRow[];

describe("runs shared through the git remote", () => {
  it("two clones race for a runbook's lock 50 times: exactly one wins each time, and the loser is told who", async () => {
    const s = await sharedRepos({}, {});
    const [a, b] = s.clones;
    const dir = await tempDir("runbook-share-race-");
    const rounds = 50;
    await Promise.all([
      execa(process.execPath, [RACER, a!.dir, dir, "a", "b", String(rounds), "60000"]),
      execa(process.execPath, [RACER, b!.dir, dir, "b", "a", String(rounds), "60000"]),
    ]);
    const results = readFileSync(path.join(dir, "results"), "utf8").trim().split("\n").map((l) => l.split("\t") as [string, string, string]);
    expect(results).toHaveLength(2 * rounds);
    for (let k = 0; k < rounds; k++) {
      const round = results.filter(([n]) => n === String(k));
      const won = round.filter(([, , r]) => r.startsWith("won "));
      expect(won, `round ${k}: ${JSON.stringify(round)}`).toHaveLength(1);
      const winner = won[0]![2].slice("won ".length);
      const lost = round.find(([, , r]) => r.startsWith("lost "))![2];
      expect(lost, `round ${k}`).toContain(`locked by run ${winner}`);
    }
    // Both racers' runs began a journal chain; only the winners' are on the remote.
    const refs = String((await execa("git", ["for-each-ref", "--format=%(refname)", "refs/runbook/runs/"], { cwd: s.remote })).stdout).split("\n").filter(Boolean);
    expect(refs).toHaveLength(rounds);
  }, 240_000);

  it("a runner killed with SIGKILL: a second clone is refused while its lease lives, takes over once it expires, and no completed step runs again", async () => {
    const rb = markingRunbook("failover", [{ id: "one" }, { id: "two", body: '[ -f "$MARK.two" ] || { echo "two is running"; touch "$MARK.two"; sleep 60; }' }, { id: "three" }]);
    // A lease long enough that a busy machine still asks within it; it runs out by itself below.
    const s = await sharedRepos({ "runbooks/failover.md": rb }, { lease: "20s" });
    const [a, b] = s.clones;
    const runner = a!.spawn(["run", "runbooks/failover.md"]);
    await waitFor(() => marks(s.mark).includes("two"), 60_000);
    // Clone B sees step two running, with its process group, in the shared journal; then A dies.
    for (const until = Date.now() + 60_000; ; ) {
      const log = await b!.run(["log", "last", "--format", "json"]);
      if (log.exitCode === 0 && (JSON.parse(log.stdout) as Array<{ type: string; target?: string }>).some((e) => e.type === "attempt_spawned" && e.target === "two")) break;
      if (Date.now() > until) throw new Error(`clone B never saw step two spawned: ${log.stdout}${log.stderr}`);
      // Each look fetches from the remote: not back to back.
      await new Promise((r) => setTimeout(r, 100));
    }
    runner.kill("SIGKILL");
    await runner;
    // Something alice's runner journaled and never pushed (as the tail of a block's output can be).
    const aliceJournal = journalFiles(path.join(a!.dir, ".runbook"))[0]!;
    const unpushed = JournalWriter.continue(aliceJournal, readJournal(aliceJournal));
    unpushed.append({ type: "note", text: "journaled after the last push", by: "alice" });
    unpushed.close();

    const seen = await b!.run(["runs", "--format", "json"]);
    expect(seen.exitCode, seen.stderr).toBe(0);
    const [row] = rows(seen.stdout);
    expect(row).toMatchObject({ status: "live", step: "two", holder: { operator: "alice" } });
    const refused = await b!.run(["resume", row!.runId.slice(0, 22), "--rerun-interrupted"]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`locked by run ${row!.runId} (alice@`);
    expect(refused.stderr).toMatch(/lease ends at/);

    // The lease runs out (nobody renews it): the run reads as interrupted everywhere.
    await waitFor(() => Date.now() > Date.parse(row!.holder!.leaseUntil!), 30_000);
    const after = rows((await b!.run(["runs", "--format", "json"])).stdout);
    expect(after[0]).toMatchObject({ status: "interrupted", step: "two", holder: null });
    const resumed = await b!.run(["resume", "last", "--rerun-interrupted"]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/took over the lock of failover: the lease of run .* \(alice@.* expired/);
    expect(resumed.stderr).toMatch(/stopped process group \d+ left running by the interrupted two/);
    // one ran once (on alice's clone); two ran on alice's, cut short, then again on bob's by choice; three once.
    expect(marks(s.mark)).toEqual(["one", "two", "two", "three"]);

    // alice's clone sees the run bob finished; what it journaled and never pushed is kept beside it.
    const listed = await a!.run(["runs", "--format", "json"]);
    expect(rows(listed.stdout)[0]).toMatchObject({ runId: row!.runId, status: "completed" });
    expect(listed.stderr).toMatch(/went on elsewhere after this clone's last push: the shared journal is used; this clone's is kept as .*\.jsonl\.kept-/);
    const status = await a!.run(["share", "status"]);
    expect(status.stdout).toMatch(/Journals this clone set aside/);
    const kept = status.stdout.split("\n").find((l) => l.includes(".kept-"))!.trim();
    expect(readFileSync(kept, "utf8")).toContain("journaled after the last push");
  }, 180_000);

  it("a lease renewed on a heartbeat finds a lock moved by another holder and stops the runner before its next step, naming who", async () => {
    const rb = markingRunbook("failover", [{ id: "one" }, { id: "two", body: 'while [ ! -f "$MARK.go" ]; do sleep 0.05; done' }, { id: "three" }]);
    const s = await sharedRepos({ "runbooks/failover.md": rb });
    const [a] = s.clones;
    const runner = a!.spawn(["run", "runbooks/failover.md"]);
    let stderr = "";
    runner.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
    await waitFor(() => marks(s.mark).includes("two"), 60_000);
    // Bob takes the lock on the remote (as `--force` from another machine would): a lease commit of his on top of alice's.
    const git = async (args: string[], input?: string) => String((await execa("git", args, { cwd: s.remote, ...(input !== undefined ? { input } : {}) })).stdout).trim();
    const lockRef = "refs/runbook/locks/failover";
    const until = new Date(Date.now() + 600_000).toISOString();
    const blob = await git(["hash-object", "-w", "--stdin"], JSON.stringify({ runId: "20261202T120000Z-failover-b0b0", user: "bob", host: "laptop-b", pid: 4242, startedAt: new Date().toISOString(), renewedAt: new Date().toISOString(), expiresAt: until, released: false }));
    const tree = await git(["mktree"], `100644 blob ${blob}\tlock.json\n`);
    // Compare-and-swap on top of alice's latest lease commit; her heartbeat may move it in between: try again.
    let bobs = "";
    for (let tries = 0; ; tries++) {
      const alices = await git(["rev-parse", lockRef]);
      bobs = await git(["-c", "user.name=bob", "-c", "user.email=bob@example.com", "commit-tree", tree, "-p", alices, "-m", "runbook lock: held by bob"]);
      const moved = await execa("git", ["update-ref", lockRef, bobs, alices], { cwd: s.remote, reject: false });
      if (moved.exitCode === 0) break;
      expect(tries, moved.stderr).toBeLessThan(20);
    }
    // The next renewal (a heartbeat: nothing else pushes while step two waits) finds it, and says so at once.
    await waitFor(() => stderr.includes("lost the lock of failover on origin to run 20261202T120000Z-failover-b0b0 (bob@laptop-b"), 60_000);
    writeFileSync(`${s.mark}.go`, "");
    const done = await runner;
    expect(done.exitCode, stderr).toBe(2);
    expect(stderr).toMatch(/runbook: lost the lock of failover on origin to run 20261202T120000Z-failover-b0b0 \(bob@laptop-b, pid 4242, since .*\): what this runner did after that is only in this clone, and the run is not reported as ended \(not completed\) here/);
    // Step three never started here.
    expect(marks(s.mark)).toEqual(["one", "two"]);
    const log = JSON.parse((await a!.run(["log", "last", "--format", "json"])).stdout) as Array<{ type: string; target?: string }>;
    expect(log.some((e) => e.type === "attempt_spawned" && e.target === "three")).toBe(false);
    expect(await git(["rev-parse", lockRef])).toBe(bobs);
  }, 180_000);

  it("a runner whose remote becomes unreachable stops before its next block, waits, and goes on when it is back; nothing runs on two machines", async () => {
    const rb = markingRunbook("dns-switch", [{ id: "one", body: 'while [ ! -f "$MARK.go" ]; do sleep 0.05; done' }, { id: "two" }, { id: "three" }]);
    const s = await sharedRepos({ "runbooks/dns.md": rb, "runbooks/other.md": markingRunbook("other", [{ id: "elsewhere" }]) });
    const [a, b] = s.clones;
    const runner = a!.spawn(["run", "runbooks/dns.md"]);
    let stderr = "";
    runner.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
    await waitFor(() => marks(s.mark).includes("one"), 60_000);
    s.cut();
    // The heartbeat's renewal fails while step one runs: said at once; the next step then waits.
    // (A push in flight when the folder moves is turned down by the remote half-way: said as a refusal.)
    await waitFor(() => /could not renew the lease of dns-switch on origin|origin refused the push that renews the lease of dns-switch/.test(stderr), 60_000, () => stderr);
    writeFileSync(`${s.mark}.go`, "");
    await waitFor(() => stderr.includes("cannot renew the lease on origin"), 60_000);
    expect(stderr).toMatch(/waiting before the next step/);
    expect(marks(s.mark)).toEqual(["one"]);

    // Another machine cannot take it over while the remote is away either.
    const elsewhere = await b!.run(["resume", "last"]);
    expect(elsewhere.exitCode).toBe(2);
    expect(elsewhere.stderr).toMatch(/could not reach origin|no run|cannot reach origin/);
    expect(marks(s.mark)).toEqual(["one"]);
    // Without the remote a run starts only when the operator says so, and the journal says it did.
    const refused = await b!.run(["run", "runbooks/other.md"]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/cannot reach origin to take the lock of other: .*\n.*--offline/);
    const offline = await b!.run(["run", "runbooks/other.md", "--offline"]);
    expect(offline.exitCode, offline.stderr).toBe(0);
    const offlineRun = rows((await b!.run(["runs", "--format", "json"])).stdout).find((r) => r.runId.includes("-other-"))!;
    const log = JSON.parse((await b!.run(["log", offlineRun.runId, "--format", "json"])).stdout) as Array<{ type: string; text?: string }>;
    expect(log.find((e) => e.type === "note")?.text).toMatch(/^went on offline \(--offline\): origin could not be reached/);
    expect(marks(s.mark)).toEqual(["one", "elsewhere"]);

    s.mend();
    const done = await runner;
    expect(done.exitCode, stderr).toBe(0);
    expect(stderr).toContain("origin answers again");
    expect(marks(s.mark)).toEqual(["one", "elsewhere", "two", "three"]);
    const onB = rows((await b!.run(["runs", "--format", "json"])).stdout);
    expect(onB.find((r) => r.runId.includes("-dns-switch-"))).toMatchObject({ status: "completed" });
    const status = await b!.run(["share", "status"]);
    expect(status.stdout).toMatch(new RegExp(`${offlineRun.runId}  only in this clone`));

    // `share push` publishes it: the other clone sees it, and nothing is left to push.
    const pushed = await b!.run(["share", "push"]);
    expect([pushed.exitCode, pushed.stdout], pushed.stderr).toEqual([0, `${offlineRun.runId}  pushed\n`]);
    expect(rows((await a!.run(["runs", "--format", "json"])).stdout).find((r) => r.runId === offlineRun.runId)).toMatchObject({ status: "completed" });
    expect((await b!.run(["share", "status"])).stdout).toMatch(/0 with events not pushed, 0 only in this clone/);
    expect((await b!.run(["share", "push"])).stdout).toBe("Nothing to push: origin has every run this clone has.\n");
  }, 180_000);
});
