import { EXIT, RunRefusedError, UsageError } from "../../core/errors.js";
import { printableLine } from "../../core/printable.js";
import { MAX_NOTE_BYTES } from "../../run/note.js";
import { readRun } from "../../run/read-run.js";
import { runWord } from "../../run/state.js";
import type { Io } from "../io.js";
import { continuedRun, sessionSetup } from "../session-setup.js";
import { leaveSharedRecord, liveLeaseOf } from "../shared-notes.js";

/** Handover and release hand a live run between machines: only shared runs have a lease on the remote to hand over. */
export const NOT_SHARED_HINT = "Add `share: {remote: origin}` to runbook.config.yaml (docs/handoff.md); without it a run lives in one clone, and its operator stops it (Ctrl-C) for someone else to resume.";

/**
 * `runbook handover <run-id> [--message "…"]`: asks the holder of a live shared run to hand it over
 * to this operator, with a record on the run's notes ref. The holder's screen shows it; once
 * granted, the run stops at its next step boundary and its lock is released to this operator alone,
 * so `runbook resume` here goes on at once (docs/handoff.md).
 */
export default async function handover(io: Io, given: string, flags: { message?: string; config?: string }): Promise<number> {
  const message = flags.message?.trim() ?? "";
  if (Buffer.byteLength(message) > MAX_NOTE_BYTES) throw new UsageError(`the message is ${Buffer.byteLength(message)} bytes; it holds at most ${MAX_NOTE_BYTES}`);
  const s = await sessionSetup(io, { param: [], format: "text", ...(flags.config !== undefined ? { config: flags.config } : {}) });
  if (!s.share) throw new UsageError("runbook handover needs shared runs: there is no `share:` in runbook.config.yaml", { hint: NOT_SHARED_HINT });
  const runId = await continuedRun(io, s, given);
  const { state } = readRun(s.world.store, runId);
  if (state.ended) throw new RunRefusedError(`run ${runId} has ended (${runWord(state, false)}): there is nothing to hand over`, { hint: `\`runbook log ${runId}\` shows how it went.` });
  const lease = await liveLeaseOf(s, state);
  if (!lease) {
    throw new RunRefusedError(`run ${runId} is not live: nobody holds its lock on ${s.share.remote}, so there is nobody to ask`, { hint: `Go on with it yourself: runbook resume ${runId}` });
  }
  const me = s.world.operator;
  if (lease.user === me && lease.host === s.world.host) {
    throw new RunRefusedError(`run ${runId} is held by you (${printableLine(me)}@${printableLine(lease.host)}, pid ${lease.pid}): there is nobody to ask`, { hint: "Its screen is in another terminal of this machine." });
  }
  const left = await leaveSharedRecord(s, state, { kind: "handover", text: message });
  const holder = `${printableLine(lease.user)}@${printableLine(lease.host)} (pid ${lease.pid})`;
  io.stdout.write(
    `Asked ${holder} to hand run ${runId} over to ${printableLine(me)} (recorded on ${s.share.remote}, ${left.ref}).\n` +
      `Their screen shows the request; once they grant it (a key, \`runbook release ${runId}\`, or --allow-handover), the run stops at its next step boundary and \`runbook resume ${runId}\` goes on here at once.\n`,
  );
  return EXIT.ok;
}
