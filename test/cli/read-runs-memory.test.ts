import { describe, expect, it } from "vitest";
import { listRuns } from "../../src/cli/commands/runs.js";
import { showLog } from "../../src/cli/commands/log.js";
import { shiftReport } from "../../src/cli/commands/handoff.js";
import { runStats } from "../../src/cli/commands/stats.js";
import { shareStatus } from "../../src/cli/commands/share.js";
import type { JournalEvent } from "../../src/journal/events.js";
import { startRun } from "../../src/run/session.js";
import { block, MemoryStore, memoryWorld, preparedFrom, scripted, scriptedRunner, startRequest } from "../helpers/memory-world.js";
import { memoryIo, memoryRuns } from "../helpers/memory-runs.js";
import { tempDir } from "../helpers/tmp.js";

// The commands that read runs, over a memory World's store: no state folder, no git, no child process.
const rb = preparedFrom(`## Steps\n### A {#a}\n${block("sh", "a")}### B {#b}\n${block("sh", "b")}`);
const NOW = Date.UTC(2026, 10, 28, 13, 0, 0);
const bob = { runId: "", user: "bob", host: "laptop-b", pid: 7, leaseUntil: undefined };

/** Three runs of one runbook: one completed, one failed at b, one that stopped after a (its runner may be live). */
async function threeRuns(): Promise<{ store: MemoryStore; completed: string; failed: string; open: string }> {
  const store = new MemoryStore();
  const ids = () => new Set(store.runs.keys());
  const started = async (runner: ReturnType<typeof scriptedRunner>, onFailure: "abort" | "ask" = "ask") => {
    const before = ids();
    await startRun(startRequest(rb, { policy: { yes: false, onFailure, interrupted: undefined } }), memoryWorld({ store, runner, operator: scripted([]) }));
    return [...ids()].find((id) => !before.has(id))!;
  };
  const completed = await started(scriptedRunner(() => ({ output: "a and b ran\n" })));
  const failed = await started(
    scriptedRunner((run) => (run.source.startsWith("#b\n") ? { exitCode: 3, output: "b: replica not caught up\n" } : {})),
    "abort",
  );
  // A run whose runner stopped (or is still going) right after step a finished.
  const other = new MemoryStore();
  await startRun(startRequest(rb), memoryWorld({ store: other, runner: scriptedRunner(() => ({})), operator: scripted([]) }));
  const [open, events] = [...other.runs][0]!;
  const cut = events.findIndex((e) => e.type === "step_finished" && e.target === "a") + 1;
  store.runs.set(open, events.slice(0, cut));
  return { store, completed, failed, open };
}

describe("runs, log, handoff, stats and share status read a memory World", () => {
  it("runs: each run's state, the holder of a live one, and the same in JSON", async () => {
    const { store, completed, failed, open } = await threeRuns();
    const holders = new Map([[open, { ...bob, runId: open }]]);
    const io = memoryIo();
    expect(listRuns(io, memoryRuns(store, { now: NOW, root: "/", holders }), { format: "table" })).toBe(0);
    const lines = io.out().split("\n");
    /** A run's row: its id's line and the lines under it, up to the blank line after it. */
    const row = (id: string) => {
      const at = lines.findIndex((l) => l.startsWith(id));
      const end = lines.indexOf("", at);
      return lines.slice(at, end === -1 ? undefined : end);
    };
    expect(lines[0]).toMatch(/^RUN +STATE +STEP +NEXT$/);
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(80);
    // Under the id, the title and who started it when.
    expect(row(completed)[0]).toMatch(/ completed +2\/2 done$/);
    expect(row(completed).slice(1, 3).map((l) => l.trim())).toEqual(["Memory runbook", "alice@memory 2026-11-28 12:00"]);
    expect(row(failed)[0]).toMatch(/ failed +failed b +resume or rollback$/);
    // Long cells wrap within their column: the holder and what to type next read on across lines.
    const open3 = row(open);
    expect(open3[0]).toMatch(new RegExp(`^${open} +live +next b +handover; resume$`));
    expect(open3.map((l) => l.split(/ {2,}/))).toEqual([[open, "live", "next b", "handover; resume"], ["Memory runbook", "(bob@laptop-b, pid", "once stopped"], ["alice@memory 2026-11-28 12:00", "7)"]]);

    const json = memoryIo();
    listRuns(json, memoryRuns(store, { now: NOW, root: "/" }), { format: "json" });
    const rows = JSON.parse(json.out()) as Array<{ runId: string; status: string; steps: string; holder: unknown }>;
    expect(Object.fromEntries(rows.map((r) => [r.runId, [r.status, r.steps, r.holder]]))).toEqual({
      [completed]: ["completed", "2/2", null],
      [failed]: ["failed", "1/2", null],
      // Nobody holds it: its runner is gone, so it reads as interrupted, not running.
      [open]: ["interrupted", "1/2", null],
    });
  });

  it("runs: an empty store says where it looked", () => {
    const io = memoryIo("/");
    listRuns(io, memoryRuns(new MemoryStore(), { now: NOW, root: "/" }), { format: "table" });
    expect(io.out()).toBe("No runs in memory.\n");
  });

  it("log: a failed run replayed with its output, by unique prefix; --format json is the journal itself", async () => {
    const { store, failed } = await threeRuns();
    const io = memoryIo();
    expect(showLog(io, memoryRuns(store, { now: NOW, root: "/" }), failed, { format: "text" })).toBe(0);
    expect(io.out()).toContain(`Run ${failed} of mem (rb.md)`);
    expect(io.out()).toContain("b: replica not caught up");
    expect(io.out()).toMatch(/exit 3/);

    const json = memoryIo();
    showLog(json, memoryRuns(store, { now: NOW, root: "/" }), failed, { format: "json" });
    expect(JSON.parse(json.out()) as JournalEvent[]).toEqual(store.runs.get(failed));

    const one = memoryIo();
    showLog(one, memoryRuns(store, { now: NOW, root: "/" }), failed, { format: "json", step: "b" });
    const targets = (JSON.parse(one.out()) as JournalEvent[]).map((e) => ("target" in e ? e.target : e.type));
    expect(targets[0]).toBe("run_started");
    // Events of no step (the run's end) stay in: they are the run's, not another step's.
    expect(new Set(targets.slice(1))).toEqual(new Set(["b", "run_finished"]));
  });

  it("handoff: the open runs (interrupted, failed) with how to go on, the ended one in the window", async () => {
    const { store, completed, failed, open } = await threeRuns();
    const io = memoryIo();
    const root = await tempDir();
    expect(await shiftReport(io, memoryRuns(store, { now: NOW, root }), { sinceMs: 12 * 3_600_000, format: "json" })).toBe(0);
    const report = JSON.parse(io.out()) as { open: Array<{ runId: string; waitingFor: string }>; ended: Array<{ runId: string }> };
    // A failed run is not over: it waits for someone to retry its step or roll it back.
    expect(Object.fromEntries(report.open.map((r) => [r.runId, r.waitingFor]))).toEqual({ [open]: "someone to resume it at step b", [failed]: "someone to retry step b or roll the run back" });
    expect(report.ended.map((r) => r.runId)).toEqual([completed]);
    const md = memoryIo();
    await shiftReport(md, memoryRuns(store, { now: NOW, root }), { sinceMs: 12 * 3_600_000, format: "markdown" });
    expect(md.out()).toContain(`runbook resume ${open}`);
  });

  it("stats: figures of the runs started in the window, from the memory clock", async () => {
    const { store } = await threeRuns();
    const io = memoryIo();
    expect(runStats(io, memoryRuns(store, { now: NOW, root: "/" }), { sinceMs: 30 * 86_400_000, format: "json" })).toBe(0);
    const figures = JSON.parse(io.out()) as { since: string; all: Record<string, unknown> };
    expect(figures.since).toBe("2026-10-29T13:00:00.000Z");
    expect(figures.all).toMatchObject({ runs: 3, completed: 1, ended: 2, successRate: 0.5 });
    // A window that ends before the runs started holds none.
    const none = memoryIo();
    runStats(none, memoryRuns(store, { now: NOW, root: "/" }), { sinceMs: 1_800_000, format: "table" });
    expect(none.out()).toBe("No runs started since 2026-11-28T12:30:00.000Z.\n");
  });

  it("share status: what the last fetch found, from the World's sync report", async () => {
    const { store, completed, open } = await threeRuns();
    const config = { repo: "/memory", remote: "origin", leaseMs: 120_000, timeoutMs: 8_000 };
    const lease = { runId: open, user: "bob", host: "laptop-b", pid: 7, expiresAt: new Date(NOW + 60_000).toISOString() };
    const sync = { unreachable: undefined, imported: [], runs: [{ runId: completed, status: "shared" as const }, { runId: open, status: "ahead" as const, events: 4 }], leases: new Map([["mem", lease]]), kept: [] };
    const io = memoryIo();
    expect(shareStatus(io, memoryRuns(store, { now: NOW, root: "/", share: { config, sync: sync as never } }), { format: "text" })).toBe(0);
    expect(io.out()).toContain("Runs shared through origin (reached); lease 2m");
    expect(io.out()).toContain("2 runs: 1 shared, 1 with events not pushed");
    expect(io.out()).toContain(`${open}  4 events only in this clone`);
    expect(io.out()).toContain(`mem  held: run ${open} (bob@laptop-b, pid 7), lease until ${lease.expiresAt}`);
  });
});
