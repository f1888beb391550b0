import { InputError } from "../../core/errors.js";
import type { LoadedConfig } from "../../system/config-file.js";
import { repoRootOf } from "../../system/repo-root.js";
import type { JournalStore, Locks } from "../../journal/ports.js";
import { fileJournalStore } from "../journals.js";
import { acquireRunLocks, holderLive, thisHost } from "../lock.js";
import { processStartTime } from "../../system/proc.js";
import type { HeldLease } from "./held.js";
import { pushingStore, sharedLocks } from "./locks.js";
import type { ShareConfig } from "./remote.js";
import type { RecordDescriber } from "./shared-record.js";
import { sharedNoteInbox } from "./shared-inbox.js";

export const DEFAULT_LEASE_MS = 120_000;
const DEFAULT_TIMEOUT_MS = 8_000;

/**
 * `share:` in the config, or undefined when runs stay in this clone. `RUNBOOK_SHARE_TIMEOUT_MS` sets
 * how long the remote may take to answer (default 8 s); `RUNBOOK_SHARE_LEASE_MS` overrides the lease
 * (tests keep it to seconds).
 */
export function shareConfigOf(loaded: LoadedConfig, env: Readonly<Record<string, string | undefined>>): ShareConfig | undefined {
  const share = loaded.config.share;
  if (!share) return undefined;
  const repo = repoRootOf(loaded.root);
  if (!repo) throw new InputError(`share: ${loaded.root} is in no git repository, so runs cannot be shared through a git remote`, { hint: "Remove `share:` from the config, or run from a clone." });
  const knob = (name: string) => {
    const n = Number(env[name]);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  };
  const chunk = knob("RUNBOOK_SHARE_CHUNK_BYTES");
  const segment = knob("RUNBOOK_SHARE_SEGMENT_BYTES");
  const notesPoll = knob("RUNBOOK_SHARE_NOTES_POLL_MS");
  return {
    repo,
    remote: share.remote ?? "origin",
    leaseMs: knob("RUNBOOK_SHARE_LEASE_MS") ?? share.lease ?? DEFAULT_LEASE_MS,
    timeoutMs: knob("RUNBOOK_SHARE_TIMEOUT_MS") ?? DEFAULT_TIMEOUT_MS,
    // Test knobs: how much of a journal is read at a time, and pushed at a time.
    ...(chunk !== undefined ? { chunkBytes: Math.floor(chunk) } : {}),
    ...(segment !== undefined ? { segmentBytes: Math.floor(segment) } : {}),
    ...(notesPoll !== undefined ? { notesPollMs: Math.floor(notesPoll) } : {}),
  };
}

/** The store and locks of a session: the state folder's, or the git remote's when runs are shared. */
export function storeAndLocks(o: {
  stateDir: string;
  share: ShareConfig | undefined;
  host: string;
  pid: number;
  offline: boolean;
  notice: (text: string) => void;
  afterWrite?: ((count: number) => void) | undefined;
  /** How a run's shared record reads when a lock was lost (report/shared-record-text.ts). */
  describeRecord: RecordDescriber;
}): { store: JournalStore; locks: Locks } {
  const machine = thisHost(o.host, o.pid);
  const files = fileJournalStore(o.stateDir, o.afterWrite ? { afterWrite: o.afterWrite } : {});
  const localLocks = (runbookId: string, me: { runId: string; user: string; startedAt: string }, force: boolean) => acquireRunLocks(o.stateDir, runbookId, me, machine, force);
  const local: Locks = {
    acquire: localLocks,
    alive: (h) => holderLive(h, machine),
  };
  if (!o.share) return { store: files, locks: local };
  const held = new Map<string, HeldLease>();
  // A live shared run also takes the notes anyone left on its notes ref.
  const store = pushingStore({ ...files, notes: sharedNoteInbox(files.notes, o.share, o.share.notesPollMs) }, held);
  const locks = sharedLocks(
    {
      config: o.share,
      host: o.host,
      pid: o.pid,
      startTime: processStartTime(o.pid) ?? null,
      now: () => Date.now(),
      notice: o.notice,
      offline: o.offline,
      aliveHere: (h) => machine.alive(h),
      runnerHere: (h) => machine.runner?.(h) ?? true,
      localLocks,
      describeRecord: o.describeRecord,
    },
    store,
    held,
  );
  return { store, locks };
}
