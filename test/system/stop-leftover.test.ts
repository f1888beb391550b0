import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BLOCK_TAG, stopOrphanGroup } from "../../src/system/proc.js";
import { alive, waitFor } from "../helpers/runbooks.js";

// A runner killed between spawning a block and journaling its process group leaves a journal with
// the attempt started and no pid: the next runner must still find and stop what it left.
describe("stopping what a dead runner left, with no process group journaled (real processes)", () => {
  it("finds the block's processes by their RUNBOOK_BLOCK tag alone and stops them", async () => {
    const tag = `run-x:slow:command:1:${process.pid}`;
    const child = spawn("sh", ["-c", "sleep 300 & wait"], { env: { ...process.env, [BLOCK_TAG]: tag }, detached: true, stdio: "ignore" });
    child.unref();
    const pid = child.pid!;
    await waitFor(() => alive(pid), 10_000);
    expect(await stopOrphanGroup(null, null, 500, tag)).toBe("stopped");
    await waitFor(() => !alive(pid), 10_000);
    expect(alive(pid)).toBe(false);
  });

  it("says none when nothing carries the tag", async () => {
    expect(await stopOrphanGroup(null, null, 500, `run-y:none:command:1:${process.pid}`)).toBe("none");
  });
});
