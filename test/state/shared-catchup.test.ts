import { execa } from "execa";
import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bytesInSubject } from "../../src/state/shared/chain.js";
import { storeAndLocks } from "../../src/state/shared/setup.js";
import { parseLease } from "../../src/state/shared/lease.js";
import { marks, onlyRunId } from "../helpers/runbooks.js";
import { markingRunbook, sharedRepos } from "../helpers/shared.js";

/**
 * A runner pushes its journal while another clone looks: the other clone's sync brings the run in
 * at one commit, and by the time it takes the lock the remote is a commit further. What it has is a
 * prefix of the remote's journal, not another machine's version of the run: it is brought up to the
 * remote's and the lock is taken (it was refused as "two machines wrote it", a flake of
 * shared-outage #4). Real git; bob's clone is left exactly as that race leaves it.
 */
describe("taking the lock of a run the remote took further since this clone's last look", () => {
  const git = (cwd: string, ...args: string[]) => execa("git", args, { cwd }).then((r) => String(r.stdout).trim());

  it("brings the journal here up to the remote's and takes the lock; a journal that is not a prefix of it is still refused", async () => {
    const s = await sharedRepos({ "runbooks/rb.md": markingRunbook("rb", [{ id: "one" }, { id: "two" }, { id: "three" }]) });
    const [a, b] = s.clones;
    expect((await a!.run(["run", "runbooks/rb.md"])).exitCode).toBe(0);
    const runId = onlyRunId(path.join(a!.dir, ".runbook"));
    expect((await b!.run(["runs"])).exitCode).toBe(0);
    const bobState = path.join(b!.dir, ".runbook");
    const journal = path.join(bobState, "runs", `${runId}.jsonl`);
    const full = readFileSync(journal);

    // Bob's clone as his sync left it one push earlier: the journal and the run's refs at the tip's parent.
    const ref = `refs/runbook/runs/${runId}`;
    const tip = await git(s.remote, "rev-parse", ref);
    const parent = await git(s.remote, "rev-parse", `${tip}^`);
    const earlier = bytesInSubject(await git(s.remote, "log", "-1", "--format=%s", parent)) ?? 0;
    expect(earlier).toBeGreaterThan(0);
    expect(earlier).toBeLessThan(full.length);
    const rewind = async () => {
      truncateSync(journal, earlier);
      await git(b!.dir, "update-ref", ref, parent);
      await git(b!.dir, "update-ref", `refs/runbook-remotes/origin/runs/${runId}`, parent);
    };
    await rewind();

    const config = { repo: b!.dir, remote: "origin", leaseMs: 3000, timeoutMs: 5000 };
    const notices: string[] = [];
    const open = () =>
      storeAndLocks({ stateDir: bobState, share: config, host: "bob-laptop", pid: process.pid, offline: false, notice: (t) => notices.push(t), describeRecord: () => "" });
    const me = { runId, user: "bob", startedAt: new Date().toISOString() };
    const lock = await open().locks.acquire("rb", me, false);
    try {
      expect(readFileSync(journal)).toEqual(full);
      const held = parseLease(await git(s.remote, "show", "refs/runbook/locks/rb:lock.json"));
      expect(held).toMatchObject({ user: "bob", runId });
      expect(await git(s.remote, "rev-parse", ref)).toBe(tip);
    } finally {
      await lock.release();
    }

    // Not a prefix: one byte of bob's earlier journal changed. Two versions of the run: refused, nothing replaced.
    await rewind();
    const changed = Buffer.from(readFileSync(journal));
    changed[earlier - 2] = changed[earlier - 2] === 0x41 ? 0x42 : 0x41;
    writeFileSync(journal, changed);
    await expect(open().locks.acquire("rb", me, false)).rejects.toThrow(/journal in this clone and on origin differ/);
    expect(readFileSync(journal)).toEqual(changed);
    expect(marks(s.mark)).toEqual(["one", "two", "three"]);
  }, 120_000);
});
