import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { BIN } from "../helpers/cli.js";
import { DRILLED, drilledRepo } from "./fixture.js";

const ran = async (dir: string) => (await readdir(dir)).sort();

/** What only a process shows: SIGINT. The rest of `drill` runs in process (drill.test.ts). */
describe("runbook drill (a real process)", () => {
  it("stops at Ctrl-C: the running drill is interrupted, no further drill starts, exit 130", async () => {
    const slow = DRILLED["runbooks/failing.md"].replace("id: failing", "id: a-slow").replace('touch "$MARK_DIR/failing-ran"; echo first ok', 'touch "$MARK_DIR/slow-started"; sleep 30');
    const repo = await drilledRepo({ "runbooks/a-slow.md": slow, "runbooks/passing.md": DRILLED["runbooks/passing.md"] });
    const child = execa(process.execPath, [BIN, "drill"], { cwd: repo.dir, env: { MARK_DIR: repo.marks, GITHUB_STEP_SUMMARY: "", NO_COLOR: "1", CI: "true" }, reject: false });
    const started = path.join(repo.marks, "slow-started");
    while (!existsSync(started)) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode, String(r.stderr)).toBe(130);
    expect(await ran(repo.marks)).toEqual(["slow-started"]);
    expect(String(r.stderr)).toContain("interrupted; 1 drill not started");
  }, 30_000);
});
