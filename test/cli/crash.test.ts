import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { fence, journalEvents, journalFiles, marks, onlyRunId, processesMatching, runbookProject, runIn, spawnCli, waitFor } from "../helpers/runbooks.js";

const STEPS = ["s1", "s2", "s3"].map((id) => `### ${id} {#${id}}\n${fence("sh", `echo ${id} >> "$MARK"; echo out-${id}`)}`).join("");

describe("crash safety (real processes, kill -9)", () => {
  it("after kill -9 mid-step, resume stops the orphaned group and no completed step runs twice", async () => {
    const tag = `302.${process.pid}${Date.now() % 1000}`;
    const p = await runbookProject(`## Steps\n### One {#one}\n${fence("sh", 'echo one >> "$MARK"')}### Two {#two}\n${fence("sh", `echo two-start >> "$MARK"; sleep ${tag}; echo two-end >> "$MARK"`)}### Three {#three}\n${fence("sh", 'echo three >> "$MARK"')}`);
    const child = spawnCli(p, ["run", "rb.md"]);
    await waitFor(() => marks(p.mark).includes("two-start"));
    child.kill("SIGKILL");
    await child;
    // The step was in its own process group: it outlives the runner until resume stops it.
    expect(processesMatching(`sleep ${tag}`).length).toBeGreaterThan(0);
    const r = await runIn(p, ["resume", onlyRunId(p.state), "--skip-interrupted"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/took over the lock .*\n.*stopped (process group \d+|the processes \(found by their RUNBOOK_BLOCK tag\))/);
    expect(processesMatching(`sleep ${tag}`)).toEqual([]);
    expect(marks(p.mark)).toEqual(["one", "two-start", "three"]);
  });

  it("resumes after a journal whose last line was torn", async () => {
    const p = await runbookProject(`## Steps\n${STEPS}`);
    const child = spawnCli(p, ["run", "rb.md"], { RUNBOOK_TEST_CRASH_AFTER_WRITE: "7" });
    await child;
    const file = journalFiles(p.state)[0]!;
    const text = readFileSync(file, "utf8");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(file, text + text.split("\n")[1]!.slice(0, 40));
    const r = await runIn(p, ["resume", onlyRunId(p.state), "--rerun-interrupted"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain("dropped a torn last line");
    expect(marks(p.mark).filter((m) => m === "s1")).toHaveLength(1);
    expect(new Set(marks(p.mark))).toEqual(new Set(["s1", "s2", "s3"]));
  });

  // Every prefix of a journal is covered in memory (test/run/crash.property.test.ts); here a real
  // process is killed once after each kind of write, to prove the file and the process side.
  it("survives a real kill -9 after each kind of journal write: nothing completed runs twice, nothing is lost", async () => {
    const p = await runbookProject(`## Steps\n${STEPS}`);
    expect((await runIn(p, ["run", "rb.md"])).exitCode).toBe(0);
    const kinds = new Map<string, number>();
    journalEvents(p.state).forEach((e, i) => kinds.has(e.type) || kinds.set(e.type, i + 1));
    expect([...kinds.keys()]).toEqual(expect.arrayContaining(["run_started", "attempt_started", "attempt_spawned", "output", "attempt_finished", "step_finished", "run_finished"]));
    for (const n of kinds.values()) {
      await rm(p.state, { recursive: true, force: true });
      await rm(p.mark, { force: true });
      const crashed = await spawnCli(p, ["run", "rb.md"], { RUNBOOK_TEST_CRASH_AFTER_WRITE: String(n) });
      expect(crashed.signal, `crash point ${n}`).toBe("SIGKILL");
      const before = journalEvents(p.state);
      const doneBefore = before.filter((e) => e.type === "step_finished" && e.status === "done").map((e) => e.target as string);
      const runId = onlyRunId(p.state);
      let last = await runIn(p, ["resume", runId, "--rerun-interrupted"]);
      expect(last.exitCode, `crash point ${n}: ${last.stderr}`).toBe(0);
      const counts = new Map<string, number>();
      for (const m of marks(p.mark)) counts.set(m, (counts.get(m) ?? 0) + 1);
      for (const id of ["s1", "s2", "s3"]) {
        expect(counts.get(id) ?? 0, `crash point ${n}: ${id} ran`).toBeGreaterThanOrEqual(1);
        if (doneBefore.includes(id)) expect(counts.get(id), `crash point ${n}: completed ${id} ran again`).toBe(1);
        else expect(counts.get(id), `crash point ${n}: ${id}`).toBeLessThanOrEqual(2);
      }
      last = await runIn(p, ["resume", runId]);
      expect(last.stdout, `crash point ${n}`).toContain("already completed");
    }
  }, 240_000);
});
