import { EXIT, UsageError } from "../../core/errors.js";
import { leaveNote, MAX_NOTE_BYTES } from "../../run/note.js";
import { readRun } from "../../run/read-run.js";
import { printableLine } from "../../core/printable.js";
import type { Io } from "../io.js";
import { continuedRun, sessionSetup } from "../session-setup.js";
import { leaveSharedRecord } from "../shared-notes.js";

/**
 * `runbook note <run-id> "text"`: a note on a run, by who and when. With `share:` it is a record on
 * the run's notes ref, from any clone, live run or not (docs/handoff.md); without, journaled
 * (src/run/note.ts).
 */
export default async function note(io: Io, given: string, text: string, flags: { config?: string }): Promise<number> {
  if (text.trim() === "") throw new UsageError("the note is empty");
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_NOTE_BYTES) throw new UsageError(`the note is ${bytes} bytes; a note holds at most ${MAX_NOTE_BYTES}`, { hint: "Put the long text in the ticket and leave its link in the note." });
  const s = await sessionSetup(io, { param: [], format: "text", ...(flags.config !== undefined ? { config: flags.config } : {}) });
  const runId = await continuedRun(io, s, given);
  const { state } = readRun(s.world.store, runId);
  const by = printableLine(s.world.operator);
  if (s.share) {
    const left = await leaveSharedRecord(s, state, { kind: "note", text });
    io.stdout.write(`Noted on run ${runId} by ${by} (on ${s.share.remote}, ${left.ref}${left.tries > 1 ? `, after ${left.tries} tries` : ""}): every clone sees it at its next fetch${left.live ? "; its live runner shows it" : ""}.\n`);
    return EXIT.ok;
  }
  const outcome = await leaveNote(s.world, runId, state.started.runbook.id, text);
  if (outcome.how === "journaled") io.stdout.write(`Noted on run ${runId} by ${by}.\n`);
  else if (outcome.how === "by-runner") io.stdout.write(`Noted on run ${runId} by ${by}: its live runner (pid ${outcome.runner.pid}, ${printableLine(outcome.runner.user)}) journaled it and shows it.\n`);
  else io.stdout.write(`Left for run ${runId} by ${by}: its live runner (pid ${outcome.runner.pid}) has not journaled it yet; it will, or whoever writes the run next will.\n`);
  return EXIT.ok;
}
