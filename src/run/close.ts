import { RunRefusedError } from "../core/errors.js";
import { LockHeldError } from "../state/lock.js";
import { printableLine } from "../core/printable.js";
import { journalQueuedNotes } from "./queued-notes.js";
import { RunJournal } from "./run-journal.js";
import { readRun } from "./read-run.js";
import { runWord, type RunState } from "./state.js";
import type { Ports } from "../journal/ports.js";

/** What `runbook close` journaled: the run's state after its `run_finished` (status `closed`). */
export interface Closed {
  readonly state: RunState;
}

/**
 * `runbook close <run> --reason …`: ends a run nobody will go on with (an old drill, an incident
 * handled by hand), so it leaves the handoff's open runs. Like a note, it is journaled under the
 * runbook's lock, taken for a moment (a shared one too, and the end is pushed): a run live anywhere
 * is refused, and so is a run that already ended. It runs nothing and stops nothing.
 */
export async function closeRun(world: Ports, runId: string, reason: string): Promise<Closed> {
  const { store, locks, operator } = world;
  const read = () => readRun(store, runId);
  // An ended run is refused before any lock is taken (and again under the lock: someone may end it meanwhile).
  refuseEnded(read().state, runId);
  const runbookId = read().state.started.runbook.id;
  const me = { runId, user: operator, startedAt: new Date(world.clock.now()).toISOString() };
  // A local lock refuses at once (it throws), a shared one asynchronously: both end up here.
  const lock = await (async () => locks.acquire(runbookId, me, false))().catch((e: unknown) => {
    if (!(e instanceof LockHeldError)) throw e;
    throw new RunRefusedError(`cannot close run ${runId}: ${e.message.replace(/^runbook is locked by /, "its runbook is held by ")}`, {
      hint: e.holder?.runId === runId ? "It is live: stop it first (Ctrl-C in its terminal) or let it finish; a run live on another machine is closed once it stops." : "Another run of the runbook is live: close this one when it stops.",
    });
  });
  try {
    if (lock.tookOverFrom) world.notice(lock.takeover ?? `took over the lock of run ${printableLine(lock.tookOverFrom.runId)}`);
    const { state, scanned } = read();
    refuseEnded(state, runId);
    const journal = new RunJournal(store.continue(runId, scanned), state, () => undefined);
    try {
      // Notes left while it was live and never taken (its runner died first) belong before its end.
      journalQueuedNotes(journal, store.notes, runId);
      journal.append({ type: "run_finished", status: "closed", exitCode: 0, by: operator, note: reason });
    } finally {
      journal.close();
    }
    return { state: journal.state };
  } finally {
    await lock.release();
  }
}

/**
 * Runs that need nobody any more. A failed, aborted or half rolled back run ended too, but it is
 * open (someone must retry it, roll it back, or check the system): that is what close is for.
 */
const OVER: ReadonlySet<RunState["status"]> = new Set(["completed", "rolled_back", "rolled_back_to", "closed"]);

function refuseEnded(state: RunState, runId: string): void {
  if (!state.ended || !OVER.has(state.status)) return;
  const how = state.status === "closed" ? `was already closed by ${printableLine(state.ended.by ?? "?")}${state.ended.note ? ` (${printableLine(state.ended.note)})` : ""}` : `already ended: ${runWord(state, false)}`;
  throw new RunRefusedError(`run ${runId} ${how} at ${state.ended.ts}; there is nothing to close`, { hint: `See \`runbook log ${runId}\`.` });
}
