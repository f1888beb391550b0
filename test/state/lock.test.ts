import { execa } from "execa";
import { appendFileSync, existsSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { JournalError } from "../../src/core/errors.js";
import type { NewEventOf } from "../../src/journal/events.js";
import { fileJournalStore } from "../../src/state/journals.js";
import { acquireLock, acquireRunLocks, LockHeldError, thisHost } from "../../src/state/lock.js";
import { tempDir } from "../helpers/tmp.js";

const RACER = fileURLToPath(new URL("../helpers/lock-race.mjs", import.meta.url));
const here = thisHost(os.hostname(), process.pid);
const me = (runId: string) => ({ runId, user: "tester", startedAt: new Date().toISOString() });
const holder = (over: Record<string, unknown>) => JSON.stringify({ runId: "old-run", user: "someone", host: os.hostname(), pid: process.pid, startTime: null, startedAt: "2026-01-01T00:00:00Z", ...over });

describe("runbook lock", () => {
  it("lets exactly one of two racing processes win, 100 times out of 100", async () => {
    const rounds = 100;
    const dir = await tempDir("runbook-lock-");
    // Two processes, each trying every round at the instant both agreed on (test/helpers/lock-race.mjs).
    const [a, b] = await Promise.all(
      [
        ["a", "b"],
        ["b", "a"],
      ].map(([n, other]) => execa(process.execPath, [RACER, dir, String(rounds), n!, other!], { reject: false })),
    );
    expect(a?.exitCode, a?.stderr).toBe(0);
    expect(b?.exitCode, b?.stderr).toBe(0);
    const [as, bs] = [a, b].map((r) => JSON.parse(String(r?.stdout)) as string[]);
    const pairs = as!.map((x, i) => [x, bs![i]].sort().join(","));
    expect(pairs).toHaveLength(rounds);
    expect(pairs.map((r, i) => [i, r]).filter(([, r]) => r !== "lost,won")).toEqual([]);
    // Both sides won some: the instant was shared, not one side always first.
    expect(as!.includes("won") && bs!.includes("won"), `a: ${as!.join(" ")}`).toBe(true);
  }, 240_000);

  it("refuses while the holder is alive, and releases on release()", async () => {
    const dir = await tempDir();
    const lock = acquireLock(dir, "rb", me("first"), here);
    expect(() => acquireLock(dir, "rb", me("second"), here)).toThrow(LockHeldError);
    lock.release();
    acquireLock(dir, "rb", me("third"), here).release();
  });

  it("takes over a lock whose holder died on this host, and says whose it was", async () => {
    const dir = await tempDir();
    const dead = await execa(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
    acquireLock(dir, "rb", me("x"), here).release();
    writeFileSync(path.join(dir, "locks", "rb.lock"), holder({ pid: Number(dead.stdout) }));
    const lock = acquireLock(dir, "rb", me("new"), here);
    expect(lock.tookOverFrom?.runId).toBe("old-run");
    lock.release();
  });

  it("never takes over a holder alive on this host, even with --force; one on another host only with --force", async () => {
    const dir = await tempDir();
    acquireLock(dir, "rb", me("x"), here).release();
    writeFileSync(path.join(dir, "locks", "rb.lock"), holder({ pid: process.pid }));
    expect(() => acquireLock(dir, "rb", me("new"), here)).toThrow(LockHeldError);
    const live = (() => {
      try {
        acquireLock(dir, "rb", me("forced"), here, true);
      } catch (e) {
        return e as LockHeldError;
      }
    })();
    expect(live?.hint).toMatch(/Wait for it to finish, or stop it first/);
    writeFileSync(path.join(dir, "locks", "rb.lock"), holder({ host: "another-host", pid: 999_999 }));
    expect(() => acquireLock(dir, "rb", me("new"), here)).toThrow(LockHeldError);
    const forced = acquireLock(dir, "rb", me("forced"), here, true);
    expect(forced.tookOverFrom?.runId).toBe("old-run");
    forced.release();
  });

  it("creates the state folder private to its owner, ignoring itself in git, and refuses a symlinked lock", async () => {
    const root = await tempDir();
    const dir = path.join(root, "state");
    acquireLock(dir, "rb", me("x"), here).release();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(path.join(dir, ".gitignore"), "utf8")).toMatch(/^\*$/m);
    symlinkSync(path.join(root, "target"), path.join(dir, "locks", "rb.lock"));
    writeFileSync(path.join(root, "target"), "keep me");
    expect(() => acquireLock(dir, "rb", me("y"), here)).toThrow(LockHeldError);
    expect(readFileSync(path.join(root, "target"), "utf8")).toBe("keep me");
  });

  it("treats a reused pid (same pid, different start time) as dead", async () => {
    const dir = await tempDir();
    acquireLock(dir, "rb", me("x"), here).release();
    writeFileSync(path.join(dir, "locks", "rb.lock"), holder({ pid: process.pid, startTime: "1" }));
    expect(acquireLock(dir, "rb", me("new"), here).tookOverFrom?.runId).toBe("old-run");
  });
});

describe("a journal's writer lock", () => {
  const runId = "20261128T000000Z-rb-abcd";
  const first: NewEventOf<"run_started"> = {
    type: "run_started", runId, runbook: { id: "rb", file: "/rb.md", sha256: "00", title: null }, git: null, operator: "op", host: os.hostname(), pid: process.pid,
    params: {}, secrets: [], order: ["a"], options: { onFailure: "abort", yes: true, record: false },
  };
  const thrown = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e as Error;
    }
    throw new Error("expected it to throw");
  };
  const writerLock = (dir: string) => path.join(dir, "runs", `${runId}.jsonl.lock`);

  it("is held with the runbook lock; the store writes no journal without it", async () => {
    const dir = await tempDir();
    const store = fileJournalStore(dir);
    expect(thrown(() => store.create(runId, first)).message).toMatch(/does not hold its writer lock/);
    const locks = acquireRunLocks(dir, "rb", me(runId), here);
    expect(statSync(writerLock(dir)).mode & 0o777).toBe(0o600);
    const { sink } = store.create(runId, first);
    sink.close();
    locks.release();
    expect(existsSync(writerLock(dir))).toBe(false);
    expect(existsSync(path.join(dir, "locks", "rb.lock"))).toBe(false);
    const scanned = store.scan(runId, () => undefined);
    expect(thrown(() => store.continue(runId, scanned))).toBeInstanceOf(JournalError);
    expect(readFileSync(store.pathOf(runId), "utf8").split("\n").filter(Boolean)).toHaveLength(1);
  });

  it("keeps a second writer out while the first lives, even with --force on a runbook lock that lies", async () => {
    const dir = await tempDir();
    const live = acquireRunLocks(dir, "rb", me(runId), here);
    const lock = path.join(dir, "locks", "rb.lock");
    for (const lie of ["not json", undefined]) {
      if (lie === undefined) rmSync(lock);
      else writeFileSync(lock, lie);
      const e = thrown(() => acquireRunLocks(dir, "rb", me(runId), here, true));
      expect(e).toBeInstanceOf(LockHeldError);
      expect(e.message.startsWith(`journal ${runId}.jsonl is being written by run ${runId} (tester@${os.hostname()}, pid ${process.pid},`)).toBe(true);
      // The runbook lock is left as it was found: refused before it was touched.
      if (lie === undefined) expect(existsSync(lock)).toBe(false);
      else expect(readFileSync(lock, "utf8")).toBe(lie);
    }
    live.release();
    acquireRunLocks(dir, "rb", me(runId), here, true).release();
  });

  it("takes over the writer lock of a process that died on this host; one on another host only with --force", async () => {
    const dir = await tempDir();
    acquireRunLocks(dir, "rb", me(runId), here).release();
    const dead = await execa(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
    writeFileSync(writerLock(dir), holder({ runId, pid: Number(dead.stdout) }));
    acquireRunLocks(dir, "rb", me(runId), here).release();
    writeFileSync(writerLock(dir), holder({ runId, host: "another-host", pid: 999_999 }));
    expect(thrown(() => acquireRunLocks(dir, "rb", me(runId), here))).toBeInstanceOf(LockHeldError);
    expect(existsSync(path.join(dir, "locks", "rb.lock"))).toBe(false);
    acquireRunLocks(dir, "rb", me(runId), here, true).release();
    expect(existsSync(writerLock(dir))).toBe(false);
  });

  it("refuses to continue a journal that changed after it was read, and writes nothing", async () => {
    const dir = await tempDir();
    const store = fileJournalStore(dir);
    const locks = acquireRunLocks(dir, "rb", me(runId), here);
    store.create(runId, first).sink.close();
    const scanned = store.scan(runId, () => undefined);
    appendFileSync(store.pathOf(runId), '{"v":2,"seq":2');
    const before = readFileSync(store.pathOf(runId), "utf8");
    const e = thrown(() => store.continue(runId, scanned));
    expect(e).toBeInstanceOf(JournalError);
    expect(e.message).toMatch(/changed while it was read/);
    expect(readFileSync(store.pathOf(runId), "utf8")).toBe(before);
    locks.release();
  });
});
