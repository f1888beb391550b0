import { EXIT, RunRefusedError, UsageError } from "../../errors.js";
import { readRun } from "../../state/journals.js";
import { LockHeldError } from "../../state/lock.js";
import { printableLine } from "../../views/printable.js";
import type { Io } from "../io.js";
import { continuedRun, sessionSetup } from "../session-setup.js";

/**
 * Leaves a note on a run: a `note` event in its journal, with who and when. Only the holder of a
 * runbook's lock writes its journals, so the note takes the lock for a moment (and, for a shared
 * run, pushes it); a run live in another process is refused rather than written under its feet.
 */
export default async function note(io: Io, given: string, text: string, flags: { config?: string }): Promise<number> {
  if (text.trim() === "") throw new UsageError("the note is empty");
  const s = await sessionSetup(io, { param: [], format: "text", ...(flags.config !== undefined ? { config: flags.config } : {}) });
  const runId = await continuedRun(io, s, given);
  const { store, locks, operator } = s.world;
  const { state: before } = readRun(store, runId);
  const runbookId = before.started.runbook.id;
  // A local lock refuses at once (it throws), a shared one asynchronously: both end up here.
  const lock = await (async () => locks.acquire(runbookId, { runId, user: operator, startedAt: new Date().toISOString() }, false))().catch((e: unknown) => {
    if (!(e instanceof LockHeldError)) throw e;
    throw new RunRefusedError(`cannot leave a note on run ${runId} now: ${e.message.replace(/^runbook is locked by /, "its runbook is held by ")}`, {
      hint: "Only the process running it writes its journal: leave the note when it stops, or tell its operator.",
    });
  });
  if (lock.tookOverFrom) s.world.notice(lock.takeover ?? `took over the lock of run ${lock.tookOverFrom.runId}`);
  try {
    const { scanned } = readRun(store, runId);
    const sink = store.continue(runId, scanned);
    try {
      sink.append({ type: "note", text, by: operator });
    } finally {
      sink.close();
    }
  } finally {
    await lock.release();
  }
  io.stdout.write(`Noted on run ${runId} by ${printableLine(operator)}.\n`);
  return EXIT.ok;
}
