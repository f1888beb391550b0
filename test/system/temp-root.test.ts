import { statfsSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testTempRoot } from "../helpers/temp-root.js";

describe("the test run's temp root (test/helpers/temp-root.ts)", () => {
  it("takes RUNBOOK_TEST_TMPDIR: a folder as given, or the system's own", () => {
    expect(testTempRoot({ RUNBOOK_TEST_TMPDIR: "system" })).toEqual({ dir: os.tmpdir(), made: false });
    expect(testTempRoot({ RUNBOOK_TEST_TMPDIR: "some/where" })).toEqual({ dir: path.resolve("some/where"), made: false });
  });

  it("puts this run on /dev/shm when it is a tmpfs with room, shared as /tmp is; else on the system's temp folder", () => {
    const shm = (() => {
      try {
        return statfsSync("/dev/shm");
      } catch {
        return undefined;
      }
    })();
    const fits = shm !== undefined && shm.type === 0x01021994 && shm.bavail * shm.bsize >= 4 * 1024 ** 3;
    if (process.env.RUNBOOK_TEST_TMPDIR === undefined && fits) {
      expect(os.tmpdir()).toMatch(/^\/dev\/shm\/rbt-/);
      expect(statSync(os.tmpdir()).mode & 0o7777).toBe(0o1777);
    } else {
      expect(os.tmpdir()).not.toMatch(/^\/dev\/shm\/rbt-/);
    }
  });
});
