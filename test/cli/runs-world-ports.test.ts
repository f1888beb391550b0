import { describe, expect, it } from "vitest";
import { showLog } from "../../src/cli/commands/log.js";
import { shiftReport } from "../../src/cli/commands/handoff.js";
import { UsageError } from "../../src/core/errors.js";
import type { HandoffReport } from "../../src/report/handoff-report.js";
import { startRun } from "../../src/run/session.js";
import { block, MemoryStore, memoryWorld, preparedFrom, scripted, scriptedRunner, startRequest } from "../helpers/memory-world.js";
import { memoryIo, memoryRuns } from "../helpers/memory-runs.js";

// What `log` and `handoff` read besides the journals (the runbook's text; the runbooks' staleness,
// from files and git) comes through the RunsWorld too: these run with no folder, no file, no git.
const NOW = Date.UTC(2026, 10, 28, 13, 0, 0);
const rb = preparedFrom(`## Steps\n### Check the replica lag {#a}\n${block("sh", "a")}### Promote the replica {#b}\n${block("sh", "b")}`);

async function oneRun(): Promise<{ store: MemoryStore; runId: string }> {
  const store = new MemoryStore();
  await startRun(startRequest(rb), memoryWorld({ store, runner: scriptedRunner(() => ({ output: "ok\n" })), operator: scripted([]) }));
  const [runId] = [...store.runs.keys()];
  return { store, runId: runId! };
}

describe("log and handoff read the runbooks through the RunsWorld", () => {
  it("log: the steps' titles come from the World's text of the runbook; without one, the ids", async () => {
    const { store, runId } = await oneRun();
    const titled = memoryIo();
    expect(showLog(titled, memoryRuns(store, { now: NOW, root: "/", texts: new Map([[rb.file, rb.runbook.text]]) }), runId, { format: "text" })).toBe(0);
    expect(titled.out()).toContain("Check the replica lag");
    expect(titled.out()).toContain("Promote the replica");

    // The runbook is gone (moved, deleted): the run is still told, by step ids.
    const bare = memoryIo();
    expect(showLog(bare, memoryRuns(store, { now: NOW, root: "/" }), runId, { format: "text" })).toBe(0);
    expect(bare.out()).not.toContain("Check the replica lag");
    expect(bare.out()).toMatch(/\ba\b/);
  });

  it("handoff: stale and changed runbooks are what the World says, asked as of its clock and the window's start", async () => {
    const { store } = await oneRun();
    const asked: Array<{ today: string; changedSince: string }> = [];
    const world = memoryRuns(store, {
      now: NOW,
      root: "/nowhere",
      runbooks: ({ today, changedSince }) => {
        asked.push({ today: today.toISOString(), changedSince: changedSince.toISOString() });
        return {
          gitChecked: true,
          runbooks: [
            { file: "runbooks/failover.md", staleness: { kind: "stale", id: "failover", lastVerified: "2026-01-02", due: "2026-04-02", findings: [{ kind: "overdue", message: "Overdue: last verified 2026-01-02", line: 4, column: 1 }] } },
            { file: "runbooks/fresh.md", staleness: { kind: "stale", id: "fresh", lastVerified: "2026-11-20", due: "2027-02-18", findings: [] } },
          ],
          changed: [{ file: "runbooks/failover.md", id: "failover", commits: [{ hash: "c0ffee00", date: "2026-11-28T09:00:00Z", subject: "faster promote" }] }],
        };
      },
    });
    const io = memoryIo();
    expect(await shiftReport(io, world, { sinceMs: 12 * 3_600_000, format: "json" })).toBe(0);
    expect(asked).toEqual([{ today: "2026-11-28T13:00:00.000Z", changedSince: "2026-11-28T01:00:00.000Z" }]);
    const report = JSON.parse(io.out()) as HandoffReport;
    expect(report.gitChecked).toBe(true);
    expect(report.stale.map((s) => [s.file, s.findings])).toEqual([["runbooks/failover.md", ["Overdue: last verified 2026-01-02"]]]);
    expect(report.changed.map((c) => [c.file, c.commits.map((x) => x.subject)])).toEqual([["runbooks/failover.md", ["faster promote"]]]);
    expect(io.err()).toBe("");
  });

  it("handoff: runbooks that cannot be found are said on stderr, and the runs are still reported", async () => {
    const { store, runId } = await oneRun();
    const world = memoryRuns(store, {
      now: NOW,
      root: "/nowhere",
      runbooks: () => {
        throw new UsageError("No files match `runbooks/**/*.md`");
      },
    });
    const io = memoryIo();
    expect(await shiftReport(io, world, { sinceMs: 12 * 3_600_000, format: "json" })).toBe(0);
    expect(io.err()).toContain("stale runbooks not checked: No files match");
    expect((JSON.parse(io.out()) as HandoffReport).ended.map((r) => r.runId)).toEqual([runId]);
  });
});
