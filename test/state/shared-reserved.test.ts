import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { marks, waitFor } from "../helpers/runbooks.js";
import { markingRunbook, sharedRepos } from "../helpers/shared.js";

// Quick steps against a slow remote: the runner reserves steps ahead (run/reservations.ts) instead
// of waiting for each block's start to be pushed. Killed with SIGKILL in the middle, it leaves a
// remote journal that stops short of what it ran. The other clone must never run a step again that
// ran here: every step that ran is done in the remote's journal or asked about (cut short, or
// reserved with no start on record), and with the operator's word (here: --mark-interrupted-done)
// nothing runs twice.

const STEPS = Array.from({ length: 40 }, (_, i) => ({ id: `s${String(i).padStart(2, "0")}` }));

interface Event {
  type: string;
  target?: string;
  targets?: string[];
  question?: string;
  answer?: string;
}

describe("steps reserved ahead by a shared run, against a slow remote", () => {
  it("a runner killed among quick steps: the other clone asks about every step it may have begun, and nothing runs twice", async () => {
    const s = await sharedRepos({ "runbooks/quick.md": markingRunbook("quick", STEPS) }, { lease: "3s" });
    // Every push takes a quarter of a second or more: the steps outrun it, and the runner reserves ahead.
    const hook = path.join(s.remote, "hooks", "pre-receive");
    writeFileSync(hook, "#!/bin/sh\ncat >/dev/null\nsleep 0.25\n");
    chmodSync(hook, 0o755);
    const [a, b] = s.clones;
    const runner = a!.spawn(["run", "runbooks/quick.md"]);
    await waitFor(() => marks(s.mark).length >= 12, 60_000);
    runner.kill("SIGKILL");
    await runner;

    // Bob, once alice's lease ran out: without a terminal and without a word on the steps in doubt, refused.
    let refused = await b!.run(["resume", "last"]);
    for (const until = Date.now() + 60_000; /locked by run/.test(refused.stderr) && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 250));
      refused = await b!.run(["resume", "last"]);
    }
    // What alice's runner began, read once her lease ran out: a block in flight at the kill is in its
    // own process group and outlives the runner by a moment (it is one `echo`).
    const ranOnA = marks(s.mark);
    expect(new Set(ranOnA).size, "nothing ran twice on alice's runner").toBe(ranOnA.length);
    refused = await b!.run(["resume", "last"]);
    expect(refused.exitCode, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/steps? s\d\d(, s\d\d)* (was|were) interrupted and (its outcome is|their outcomes are) unknown/);
    expect(refused.stderr).toMatch(/of them, s\d\d(, s\d\d)* (has|have) no start on record: alice@\S+'s runner had reserved (it|them)/);
    expect(marks(s.mark)).toEqual(ranOnA);

    const resumed = await b!.run(["resume", "last", "--mark-interrupted-done"]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const all = marks(s.mark);
    expect(new Set(all).size, `nothing ran twice: ${all.join(" ")}`).toBe(all.length);

    const log = JSON.parse((await b!.run(["log", "last", "--format", "json"])).stdout) as Event[];
    // The runner did reserve ahead (more than the step it ran and the next), or this test proves nothing.
    expect(Math.max(...log.filter((e) => e.type === "reserved").map((e) => e.targets!.length))).toBeGreaterThan(2);
    const resumedAt = log.findIndex((e) => e.type === "run_resumed");
    const startedBefore = new Set(log.slice(0, resumedAt).filter((e) => e.type === "attempt_started").map((e) => e.target!));
    const asked = new Set(log.filter((e) => e.type === "answer" && e.question === "interrupted").map((e) => e.target!));
    for (const step of ranOnA) {
      // Begun on alice's runner: on the remote as started (done, or cut short and asked about), or asked about as reserved.
      expect(startedBefore.has(step) || asked.has(step), `${step} ran on alice's runner; the remote's journal neither shows it nor was bob asked`).toBe(true);
    }
    // Every step ran once, or was said done by the operator after a start that may have happened.
    for (const { id } of STEPS) expect(all.includes(id) || asked.has(id), id).toBe(true);
    // Some step was in doubt because of a reservation alone: asked, with no start on the remote.
    expect([...asked].some((t) => !startedBefore.has(t))).toBe(true);
  }, 180_000);
});
