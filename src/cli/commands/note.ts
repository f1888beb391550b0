import { EXIT, UsageError } from "../../core/errors.js";
import { leaveNote, MAX_NOTE_BYTES } from "../../run/note.js";
import { readRun } from "../../run/read-run.js";
import { printableLine } from "../../core/printable.js";
import type { Io } from "../io.js";
import { continuedRun, sessionSetup } from "../session-setup.js";

/** `runbook note <run-id> "text"`: a note on a run, journaled with who and when (src/run/note.ts). */
export default async function note(io: Io, given: string, text: string, flags: { config?: string }): Promise<number> {
  if (text.trim() === "") throw new UsageError("the note is empty");
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_NOTE_BYTES) throw new UsageError(`the note is ${bytes} bytes; a note holds at most ${MAX_NOTE_BYTES}`, { hint: "Put the long text in the ticket and leave its link in the note." });
  const s = await sessionSetup(io, { param: [], format: "text", ...(flags.config !== undefined ? { config: flags.config } : {}) });
  const runId = await continuedRun(io, s, given);
  const { state } = readRun(s.world.store, runId);
  const outcome = await leaveNote(s.world, runId, state.started.runbook.id, text);
  const by = printableLine(s.world.operator);
  if (outcome.how === "journaled") io.stdout.write(`Noted on run ${runId} by ${by}.\n`);
  else if (outcome.how === "by-runner") io.stdout.write(`Noted on run ${runId} by ${by}: its live runner (pid ${outcome.runner.pid}, ${printableLine(outcome.runner.user)}) journaled it and shows it.\n`);
  else io.stdout.write(`Left for run ${runId} by ${by}: its live runner (pid ${outcome.runner.pid}) has not journaled it yet; it will, or whoever writes the run next will.\n`);
  return EXIT.ok;
}
