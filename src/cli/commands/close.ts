import { EXIT, UsageError } from "../../core/errors.js";
import { closeRun } from "../../run/close.js";
import { MAX_NOTE_BYTES } from "../../run/note.js";
import { printableLine } from "../../core/printable.js";
import type { Io } from "../io.js";
import { continuedRun, sessionSetup } from "../session-setup.js";

/** `runbook close <run-id> --reason "…"`: ends a run nobody will go on with (src/run/close.ts). */
export default async function close(io: Io, given: string, flags: { reason?: string; config?: string }): Promise<number> {
  const reason = flags.reason?.trim() ?? "";
  if (reason === "") throw new UsageError('close needs --reason "…": why nobody will go on with the run (it is journaled, and shown by handoff and log)', { hint: 'runbook close last --reason "drill abandoned: staging was rebuilt"' });
  const bytes = Buffer.byteLength(reason);
  if (bytes > MAX_NOTE_BYTES) throw new UsageError(`the reason is ${bytes} bytes; it holds at most ${MAX_NOTE_BYTES}`, { hint: "Put the long text in the ticket and give its link as the reason." });
  const s = await sessionSetup(io, { param: [], format: "text", ...(flags.config !== undefined ? { config: flags.config } : {}) });
  const runId = await continuedRun(io, s, given);
  await closeRun(s.world, runId, reason);
  io.stdout.write(`Closed run ${runId} by ${printableLine(s.world.operator)}: ${printableLine(reason)}\n`);
  return EXIT.ok;
}
