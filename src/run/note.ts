import { RunRefusedError } from "../core/errors.js";
import { LockHeldError, type LockHolder } from "../state/lock.js";
import { journalQueuedNotes } from "./queued-notes.js";
import { RunJournal } from "./run-journal.js";
import { readRun } from "./read-run.js";
import type { Ports } from "../journal/ports.js";

export type NoteOutcome =
  /** Written to the journal by this process, which held the lock for a moment (also when the live runner it was left for ended first). */
  | { readonly how: "journaled" }
  /** Left in the inbox of a run live in another process here, which journaled it. */
  | { readonly how: "by-runner"; readonly runner: LockHolder }
  /** Left in the inbox; the live runner has not taken it yet (it will, or the run's next writer). */
  | { readonly how: "queued"; readonly runner: LockHolder };

/** A note is words for the next person, not a log: longer text belongs in the ticket it links to. */
export const MAX_NOTE_BYTES = 16 * 1024;

/** How long `note` waits to see a live runner journal it (it looks twice a second). */
export const NOTE_WAIT_MS = 5000;

/**
 * Leaves a note on a run: a `note` event in its journal, with who and when. Only the holder of a
 * runbook's lock writes its journals, so the note takes the lock for a moment (and, for a shared run,
 * pushes it). A run live in another process on this machine, in this state folder, gets the note
 * through its inbox and journals it itself (its screen shows it); a run live elsewhere is refused.
 */
export async function leaveNote(world: Ports, runId: string, runbookId: string, text: string, waitMs = NOTE_WAIT_MS): Promise<NoteOutcome> {
  const { store, locks, operator } = world;
  const deadline = world.clock.now() + waitMs;
  let queued: { id: string; runner: LockHolder } | undefined;
  for (;;) {
    const me = { runId, user: operator, startedAt: new Date(world.clock.now()).toISOString() };
    // A local lock refuses at once (it throws), a shared one asynchronously: both end up here.
    const lock = await (async () => locks.acquire(runbookId, me, false))().catch((e: unknown) => {
      if (e instanceof LockHeldError) return e;
      throw e;
    });
    if (!(lock instanceof LockHeldError)) {
      if (lock.tookOverFrom) world.notice(lock.takeover ?? `took over the lock of run ${lock.tookOverFrom.runId}`);
      try {
        const { state, scanned } = readRun(store, runId);
        const journal = new RunJournal(store.continue(runId, scanned), state, () => undefined);
        try {
          // Notes left while it was live and never taken (its runner died first), then this one.
          journalQueuedNotes(journal, store.notes, runId);
          if (!queued) journal.append({ type: "note", text, by: operator });
        } finally {
          journal.close();
        }
      } finally {
        await lock.release();
      }
      return { how: "journaled" };
    }
    if (!queued) {
      const runner = store.notes.writer(runId);
      const here = runner !== undefined && runner.runId === runId && runner.host === world.host && locks.alive(runner);
      if (!here) {
        throw new RunRefusedError(`cannot leave a note on run ${runId} now: ${lock.message.replace(/^runbook is locked by /, "its runbook is held by ")}`, {
          hint: "Only the process running it writes its journal, and it runs on another machine or from another state folder: leave the note when it stops, or tell its operator.",
        });
      }
      queued = { id: store.notes.queue(runId, { by: operator, text, at: new Date(world.clock.now()).toISOString() }).id, runner };
    }
    const id = queued.id;
    if (!store.notes.queued(runId).some((q) => q.id === id)) return { how: "by-runner", runner: queued.runner };
    if (world.clock.now() >= deadline) return { how: "queued", runner: queued.runner };
    await world.clock.sleep(100, new AbortController().signal);
  }
}
