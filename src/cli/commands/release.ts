import { EXIT, RunRefusedError, UsageError } from "../../core/errors.js";
import { printableLine } from "../../core/printable.js";
import { readRun } from "../../run/read-run.js";
import { fetchedRecords } from "../../state/shared/notes-ref.js";
import type { Io } from "../io.js";
import { continuedRun, sessionSetup } from "../session-setup.js";
import { leaveSharedRecord, liveLeaseOf } from "../shared-notes.js";
import { NOT_SHARED_HINT } from "./handover.js";

/**
 * `runbook release <run-id> [--to <operator>]`: the holder of a live shared run, from another
 * terminal of the same machine, hands it over to whoever asked (`runbook handover`), or to `--to`.
 * A grant on the run's notes ref, which the runner takes at its next look: it stops at the next step
 * boundary, journals `released`, and releases its lock to them (docs/handoff.md).
 */
export default async function release(io: Io, given: string, flags: { to?: string; config?: string }): Promise<number> {
  const s = await sessionSetup(io, { param: [], format: "text", ...(flags.config !== undefined ? { config: flags.config } : {}) });
  if (!s.share) throw new UsageError("runbook release needs shared runs: there is no `share:` in runbook.config.yaml", { hint: NOT_SHARED_HINT });
  const runId = await continuedRun(io, s, given);
  const { state } = readRun(s.world.store, runId);
  const lease = await liveLeaseOf(s, state);
  if (!lease) throw new RunRefusedError(`run ${runId} is not live: nobody holds its lock on ${s.share.remote}, so there is nothing to release`, { hint: `Anyone may go on with it: runbook resume ${runId}` });
  const me = s.world.operator;
  if (lease.user !== me || lease.host !== s.world.host) {
    throw new RunRefusedError(
      `run ${runId} is held by ${printableLine(lease.user)}@${printableLine(lease.host)} (pid ${lease.pid}), not by you (${printableLine(me)}@${printableLine(s.world.host)}): only its holder can release it`,
      { hint: `Ask them to hand it over: runbook handover ${runId}` },
    );
  }
  // Whoever asked last, since this runner took the run.
  const asked = (await fetchedRecords(s.share, runId)).filter((r) => r.kind === "handover" && r.at >= lease.startedAt && r.by !== me).at(-1);
  const to = flags.to?.trim() || asked?.by;
  await leaveSharedRecord(s, state, { kind: "grant", text: "", ...(to !== undefined ? { to } : {}) });
  io.stdout.write(
    `Released run ${runId} to ${to !== undefined ? printableLine(to) : "whoever resumes it first"}: its runner (pid ${lease.pid}) stops at its next step boundary and frees the lock${to !== undefined ? `; only ${printableLine(to)} may resume it before the lease would have run out` : ""}.\n`,
  );
  return EXIT.ok;
}
