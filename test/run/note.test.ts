import { describe, expect, it } from "vitest";
import type { JournalEvent } from "../../src/journal/events.js";
import { leaveNote } from "../../src/run/note.js";
import { journalQueuedNotes } from "../../src/run/queued-notes.js";
import { RunJournal } from "../../src/run/run-journal.js";
import { startRun } from "../../src/run/session.js";
import { reduce } from "../../src/run/state.js";
import { RunRefusedError } from "../../src/core/errors.js";
import { block, memoryLocks, memoryWorld, preparedFrom, scripted, scriptedRunner, startRequest } from "../helpers/memory-world.js";

const rb = preparedFrom(`## Steps\n### A {#a}\n${block("sh", "a")}### B {#b}\n${block("sh", "b")}`);
const notesOf = (events: JournalEvent[]) => events.filter((e) => e.type === "note");

/** A finished run in memory, and a world whose lock for it is held by a live process (pid 1) here. */
async function finishedRun() {
  const w = memoryWorld({ runner: scriptedRunner(() => ({})), operator: scripted([]) });
  expect(await startRun(startRequest(rb), w)).toBe(0);
  const runId = [...w.store.runs.keys()][0]!;
  return { w, runId, events: w.store.runs.get(runId)! };
}
function holdLive(w: Awaited<ReturnType<typeof finishedRun>>["w"], runId: string, host = "memory") {
  const holder = { runId, user: "alice", host, pid: 1, startTime: null, startedAt: "2026-11-28T12:00:00Z" };
  (w.locks as ReturnType<typeof memoryLocks>).held.set("mem", holder);
  w.store.writerOf.set(runId, holder);
  return holder;
}
const runnerJournal = (w: Awaited<ReturnType<typeof finishedRun>>["w"], runId: string) => {
  const events = w.store.runs.get(runId)!;
  return new RunJournal(w.store.continue(runId), reduce(events), () => undefined);
};

describe("runbook note (in memory)", () => {
  it("journals the note at once when nobody holds the run, after notes left in its inbox before", async () => {
    const { w, runId, events } = await finishedRun();
    w.store.notes.queue(runId, { by: "carol", text: "left while it ran", at: "2026-11-28T12:00:01.000Z" });
    expect(await leaveNote({ ...w, operator: "bob" }, runId, "mem", "all good")).toEqual({ how: "journaled" });
    expect(notesOf(events).map((e) => e.type === "note" && [e.by, e.text, e.queued?.at])).toEqual([["carol", "left while it ran", "2026-11-28T12:00:01.000Z"], ["bob", "all good", undefined]]);
    expect(w.store.notes.queued(runId)).toEqual([]);
    expect(reduce(events).notes.map((n) => [n.by, n.at])).toEqual([["carol", "2026-11-28T12:00:01.000Z"], ["bob", expect.any(String)]]);
  });

  it("hands the note to a run live in another process here, which journals it once", async () => {
    const { w, runId, events } = await finishedRun();
    const runner = holdLive(w, runId);
    const journal = runnerJournal(w, runId);
    // The live runner looks at its inbox while `note` waits (the clock's sleep is when it does).
    const world = { ...w, operator: "bob", clock: { ...w.clock, sleep: async () => void journalQueuedNotes(journal, w.store.notes, runId) } };
    expect(await leaveNote(world, runId, "mem", "DBA paged")).toEqual({ how: "by-runner", runner });
    expect(notesOf(events)).toMatchObject([{ by: "bob", text: "DBA paged", queued: { id: expect.any(String) } }]);
    // A second look finds nothing more.
    expect(journalQueuedNotes(journal, w.store.notes, runId)).toBe(0);
    expect(notesOf(events)).toHaveLength(1);
  });

  it("a note journaled by a runner that died before deleting it is deleted, not journaled again", async () => {
    const { w, runId, events } = await finishedRun();
    const q = w.store.notes.queue(runId, { by: "bob", text: "once", at: "2026-11-28T12:00:02.000Z" });
    const journal = runnerJournal(w, runId);
    journal.append({ type: "note", text: q.text, by: q.by, queued: { id: q.id, at: q.at } });
    expect(journalQueuedNotes(journal, w.store.notes, runId)).toBe(0);
    expect(w.store.notes.queued(runId)).toEqual([]);
    expect(notesOf(events)).toHaveLength(1);
  });

  it("when the runner ends before taking the note, `note` takes the lock and journals it itself", async () => {
    const { w, runId, events } = await finishedRun();
    holdLive(w, runId);
    const world = { ...w, operator: "bob", clock: { ...w.clock, sleep: async () => void (w.locks as ReturnType<typeof memoryLocks>).held.delete("mem") } };
    expect(await leaveNote(world, runId, "mem", "late")).toEqual({ how: "journaled" });
    expect(notesOf(events)).toMatchObject([{ by: "bob", text: "late", queued: {} }]);
    expect(w.store.notes.queued(runId)).toEqual([]);
  });

  it("says so when the live runner has not taken it within the wait; the note stays for it", async () => {
    const { w, runId, events } = await finishedRun();
    holdLive(w, runId);
    expect(await leaveNote({ ...w, operator: "bob" }, runId, "mem", "queued")).toMatchObject({ how: "queued" });
    expect(w.store.notes.queued(runId)).toMatchObject([{ by: "bob", text: "queued" }]);
    expect(notesOf(events)).toEqual([]);
  });

  it("refuses a run live on another machine, and queues nothing", async () => {
    const { w, runId } = await finishedRun();
    holdLive(w, runId, "elsewhere");
    await expect(leaveNote({ ...w, operator: "bob" }, runId, "mem", "hello")).rejects.toThrow(RunRefusedError);
    await expect(leaveNote({ ...w, operator: "bob" }, runId, "mem", "hello")).rejects.toThrow(/cannot leave a note on run .* now: its runbook is held by run/);
    expect(w.store.notes.queued(runId)).toEqual([]);
  });

  it("a live session journals what was left in its inbox, and its front end sees it", async () => {
    const w = memoryWorld({
      runner: scriptedRunner((run) => {
        // A colleague leaves a note while step a runs.
        if (run.source.startsWith("#a\n")) w.store.notes.queue([...w.store.runs.keys()][0]!, { by: "bob", text: "watching the replica", at: "2026-11-28T12:00:03.000Z" });
        return {};
      }),
      operator: scripted([]),
    });
    expect(await startRun(startRequest(rb), w)).toBe(0);
    const events = [...w.store.runs.values()][0]!;
    expect(notesOf(events)).toMatchObject([{ by: "bob", text: "watching the replica" }]);
    expect(w.shown.filter((e) => e.type === "note")).toHaveLength(1);
    expect(w.store.notes.queued([...w.store.runs.keys()][0]!)).toEqual([]);
  });
});
