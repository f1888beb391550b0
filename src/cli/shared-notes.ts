import { printableLine } from "../core/printable.js";
import { SecretMasker } from "../run/mask.js";
import type { RunState } from "../run/state.js";
import { identity } from "../state/shared/chain.js";
import { leaseStatus, type LeaseRecord } from "../state/shared/lease.js";
import { appendRecord, newRecordId, notesRef, NotesUnavailableError, type NoteKind } from "../state/shared/notes-ref.js";
import { remoteLeases } from "../state/shared/sync.js";
import { RunRefusedError } from "../core/errors.js";
import type { SessionSetup } from "./session-setup.js";

/** The live lease that names this run, as last fetched; undefined when nobody holds it. */
export async function liveLeaseOf(s: SessionSetup, state: RunState): Promise<LeaseRecord | undefined> {
  if (!s.share) return undefined;
  const lease = (await remoteLeases(s.share)).get(state.started.runbook.id);
  return lease && lease.runId === state.started.runId && leaseStatus(lease, Date.now()) === "live" ? lease : undefined;
}

/**
 * Leaves a record on a shared run's notes ref (src/state/shared/notes-ref.ts): a note, a handover
 * request or a grant, by this operator, now. Its text is masked of the run's secret values this
 * process knows (given with -p or RUNBOOK_PARAM_*): whatever reaches the remote is read by every clone.
 */
export async function leaveSharedRecord(s: SessionSetup, state: RunState, r: { kind: NoteKind; text: string; to?: string }): Promise<{ ref: string; tries: number; live: LeaseRecord | undefined }> {
  const share = s.share!;
  const runId = state.started.runId;
  const secrets = state.started.secrets.map((n) => s.given[n] ?? "").filter((v) => v !== "");
  const text = secrets.length ? new SecretMasker(secrets).mask(r.text) : r.text;
  const at = new Date(s.world.clock.now()).toISOString();
  const record = { id: newRecordId(at), kind: r.kind, by: s.world.operator, host: s.world.host, at, text, ...(r.to !== undefined ? { to: r.to } : {}) };
  try {
    const tries = await appendRecord(share, runId, record, identity(s.world.operator, s.world.host));
    return { ref: notesRef(runId), tries, live: await liveLeaseOf(s, state) };
  } catch (e) {
    if (!(e instanceof NotesUnavailableError)) throw e;
    throw new RunRefusedError(`could not leave the ${r.kind === "note" ? "note" : r.kind === "handover" ? "handover request" : "release"} on run ${runId}: ${printableLine(e.message)}`, {
      hint: `Nothing was recorded. Try again when ${share.remote} answers${r.kind === "note" ? "; or tell the run's operator" : ""}.`,
    });
  }
}
