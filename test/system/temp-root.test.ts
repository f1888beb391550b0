import { execa } from "execa";
import { existsSync, mkdirSync, rmSync, statfsSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testTempRoot } from "../helpers/temp-root.js";
import { tempDir } from "../helpers/tmp.js";

const shmFits = (() => {
  try {
    const shm = statfsSync("/dev/shm");
    return shm.type === 0x01021994 && shm.bavail * shm.bsize >= 4 * 1024 ** 3;
  } catch {
    return false;
  }
})();

describe("the test run's temp root (test/helpers/temp-root.ts)", () => {
  it("takes RUNBOOK_TEST_TMPDIR: a folder as given (made when missing), or the system's own", async () => {
    expect(testTempRoot({ RUNBOOK_TEST_TMPDIR: "system" })).toEqual({ dir: os.tmpdir(), made: false });
    const asked = path.join(await tempDir(), "asked", "for");
    expect(testTempRoot({ RUNBOOK_TEST_TMPDIR: asked })).toEqual({ dir: asked, made: false });
    expect(existsSync(asked)).toBe(true);
  });

  it("says which RUNBOOK_TEST_TMPDIR cannot be made, and what to name instead", async () => {
    const file = path.join(await tempDir(), "a-file");
    writeFileSync(file, "");
    expect(() => testTempRoot({ RUNBOOK_TEST_TMPDIR: path.join(file, "under") })).toThrow(`RUNBOOK_TEST_TMPDIR=${path.join(file, "under")}: that folder cannot be made (ENOTDIR). Name a folder that can, or \`system\` for the system's temp folder.`);
  });

  it("puts this run on /dev/shm when it is a tmpfs with room, shared as /tmp is; else on the system's temp folder", () => {
    if (!process.env.RUNBOOK_TEST_TMPDIR && shmFits) {
      expect(os.tmpdir()).toMatch(/^\/dev\/shm\/rbt-\d+-/);
      expect(statSync(os.tmpdir()).mode & 0o7777).toBe(0o1777);
    } else {
      expect(os.tmpdir()).not.toMatch(/^\/dev\/shm\/rbt-/);
    }
  });

  it("removes the folders that runs now gone left on /dev/shm, and keeps those of live ones", async () => {
    if (!shmFits) {
      expect(testTempRoot({}).made).toBe(false);
      return;
    }
    const gone = (await execa(process.execPath, ["-e", "process.stdout.write(String(process.pid))"])).stdout;
    const left = `/dev/shm/rbt-${gone}-test`;
    const live = `/dev/shm/rbt-${process.pid}-test`;
    for (const d of [left, live]) mkdirSync(path.join(d, "inside"), { recursive: true });
    const made = testTempRoot({});
    try {
      expect(made.made).toBe(true);
      expect(existsSync(left)).toBe(false);
      expect(existsSync(live)).toBe(true);
    } finally {
      for (const d of [made.dir, live]) rmSync(d, { recursive: true, force: true });
    }
  });
});
