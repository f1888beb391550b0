import { execa } from "execa";
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { acquireLock, LockHeldError } from "../../src/engine/lock.js";
import { tempDir } from "../helpers/tmp.js";

const RACER = fileURLToPath(new URL("../helpers/lock-race.mjs", import.meta.url));
const me = (runId: string) => ({ runId, user: "tester", startedAt: new Date().toISOString() });
const holder = (over: Record<string, unknown>) => JSON.stringify({ runId: "old-run", user: "someone", host: os.hostname(), pid: process.pid, startTime: null, startedAt: "2026-01-01T00:00:00Z", ...over });

describe("runbook lock", () => {
  it("lets exactly one of two racing processes win, 100 times out of 100", async () => {
    const rounds = 100;
    let exactlyOne = 0;
    for (let batch = 0; batch < rounds; batch += 25) {
      const results = await Promise.all(
        Array.from({ length: 25 }, async () => {
          const dir = await tempDir("runbook-lock-");
          const startAt = String(Date.now() + 1000);
          const [a, b] = await Promise.all(["a", "b"].map((n) => execa(process.execPath, [RACER, dir, startAt, n], { reject: false })));
          return [String(a?.stdout), String(b?.stdout)].sort().join(",");
        }),
      );
      exactlyOne += results.filter((r) => r === "lost,won").length;
      expect(results.filter((r) => r !== "lost,won")).toEqual([]);
    }
    expect(exactlyOne).toBe(rounds);
  });

  it("refuses while the holder is alive, and releases on release()", async () => {
    const dir = await tempDir();
    const lock = acquireLock(dir, "rb", me("first"));
    expect(() => acquireLock(dir, "rb", me("second"))).toThrow(LockHeldError);
    lock.release();
    acquireLock(dir, "rb", me("third")).release();
  });

  it("takes over a lock whose holder died on this host, and says whose it was", async () => {
    const dir = await tempDir();
    const dead = await execa(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
    acquireLock(dir, "rb", me("x")).release();
    writeFileSync(path.join(dir, "locks", "rb.lock"), holder({ pid: Number(dead.stdout) }));
    const lock = acquireLock(dir, "rb", me("new"));
    expect(lock.tookOverFrom?.runId).toBe("old-run");
    lock.release();
  });

  it("never takes over a live holder, or one on another host, without force", async () => {
    const dir = await tempDir();
    acquireLock(dir, "rb", me("x")).release();
    for (const over of [{ pid: process.pid }, { host: "another-host", pid: 999_999 }]) {
      writeFileSync(path.join(dir, "locks", "rb.lock"), holder(over));
      expect(() => acquireLock(dir, "rb", me("new"))).toThrow(LockHeldError);
      const forced = acquireLock(dir, "rb", me("forced"), true);
      expect(forced.tookOverFrom?.runId).toBe("old-run");
      forced.release();
    }
  });

  it("treats a reused pid (same pid, different start time) as dead", async () => {
    const dir = await tempDir();
    acquireLock(dir, "rb", me("x")).release();
    writeFileSync(path.join(dir, "locks", "rb.lock"), holder({ pid: process.pid, startTime: "1" }));
    expect(acquireLock(dir, "rb", me("new")).tookOverFrom?.runId).toBe("old-run");
  });
});
