import { RunRefusedError } from "../../core/errors.js";
import type { JournalSink } from "../../journal/store.js";
import type { JournalStore, Locks } from "../../journal/ports.js";
import { printableLine } from "../../core/printable.js";
import { holderLive, LockHeldError, type Lock, type LockHolder } from "../lock.js";
import { chainAt, chainObjects, EMPTY_CHAIN, extendChain, identity, leaseCommit, readLeases } from "./chain.js";
import { isAncestor, refShas, updateRefs } from "./git-remote.js";
import { DEFAULT_SEGMENT, HeldLease } from "./held.js";
import { describeLease, keptForAnother, leaseFor, leaseStatus, type LeaseRecord } from "./lease.js";
import { lockRef, runRef, trackingLockRef, trackingRunRef } from "./refs.js";
import { fetchShared, prepareClone, pushAtomic, type ShareConfig } from "./remote.js";
import type { RecordDescriber } from "./shared-record.js";
import { completeLength, DEFAULT_CHUNK, samePrefix, segmentEnd } from "./stream.js";
import { replaceJournal } from "./sync.js";

type Me = { runId: string; user: string; startedAt: string };

export interface SharedMachine {
  readonly config: ShareConfig;
  readonly host: string;
  readonly pid: number;
  readonly startTime: string | null;
  readonly now: () => number;
  readonly notice: (text: string) => void;
  readonly offline: boolean;
  /** Whether a holder on this host is a live process. */
  readonly aliveHere: (h: LockHolder) => boolean;
  /** Whether a live holder on this host is a runbook runner (`--force` never takes a lock from one). */
  readonly runnerHere?: (h: LockHolder) => boolean;
  /**
   * This clone's own locks of a run: the runbook's lock and the journal's writer lock in the state
   * folder. Taken before the remote is touched, so a run live here (an `--offline` run, a runner in
   * another terminal) is refused at once and nothing is published or left free on the remote.
   */
  readonly localLocks: (runbookId: string, me: Me, force: boolean) => Lock;
  /** How a run's shared record reads once the lock was lost: handed in, as the state folder knows no run fold. */
  readonly describeRecord: RecordDescriber;
}

/**
 * A runbook's lock on the git remote, `refs/runbook/locks/<runbook-id>`: taken by one atomic
 * compare-and-swap push together with the run's journal ref, so of two machines racing exactly one
 * wins, and the other is told who. A live lease is refused (`--force` takes it, never from a live
 * runner on this host); an expired one is taken over with a notice. This clone's own locks are
 * taken first and held with it.
 */
export function sharedLocks(m: SharedMachine, store: JournalStore, held: Map<string, HeldLease>): Locks {
  return {
    acquire: async (runbookId, me, force) => {
      // Throws at once, before any fetch or push, when a process here holds the runbook or the journal.
      const local = m.localLocks(runbookId, me, force);
      try {
        return await acquireShared(m, store, held, runbookId, me, force, local);
      } catch (e) {
        local.release();
        throw e;
      }
    },
    alive: (h) => holderLive(h, { host: m.host, alive: m.aliveHere }),
  };
}

const TRIES = 3;

async function acquireShared(m: SharedMachine, store: JournalStore, held: Map<string, HeldLease>, runbookId: string, me: Me, force: boolean, local: Lock): Promise<Lock> {
  const { config } = m;
  const { repo, remote } = config;
  const where = `${remote} ${lockRef(runbookId)}`;
  await prepareClone(config);
  let current: LeaseRecord | undefined;
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const unreachable = await fetchShared(config);
    if (unreachable !== undefined) return offlineLock(m, runbookId, local, unreachable);
    const known = await refShas(repo, [trackingLockRef(remote, runbookId), trackingRunRef(remote, me.runId), runRef(me.runId)]);
    const lockSha = known.get(trackingLockRef(remote, runbookId));
    current = lockSha ? (await readLeases(repo, [lockSha])).get(lockSha) : undefined;
    const status = leaseStatus(current, m.now());
    if (current && !force && keptForAnother(current, me.user, m.now())) {
      throw new RunRefusedError(`run ${printableLine(current.runId)} was handed over to ${printableLine(current.releasedTo ?? "?")} by ${printableLine(current.user)}@${printableLine(current.host)}: only ${printableLine(current.releasedTo ?? "?")} may take the lock of ${runbookId} before ${printableLine(current.expiresAt)}`, {
        hint: "Anyone may take it after that time; --force takes it now.",
      });
    }
    if (current && status === "live") {
      const here = current.host === m.host && m.aliveHere(current);
      const runner = here && (m.runnerHere?.(current) ?? true);
      if (!force) {
        throw new LockHeldError(
          current,
          where,
          here && !runner
            ? `Its lease ends at ${printableLine(current.expiresAt)}; pid ${current.pid} on this host is not a runbook runner (its command line says so): if no run is going on, pass --force.`
            : `Its lease ends at ${printableLine(current.expiresAt)} unless its runner renews it; then it can be taken over. --force takes it now.`,
        );
      }
      if (runner) throw new LockHeldError(current, where, "It is running on this machine: stop it first (Ctrl-C in its terminal); it can then be resumed.");
    }
    const env = identity(me.user, m.host);
    const remoteTip = known.get(trackingRunRef(remote, me.runId));
    const holder: LockHolder = { ...me, host: m.host, pid: m.pid, startTime: m.startTime };
    // The journal's commit and the lock's are independent: made side by side, pushed together.
    const [chain, lock] = await Promise.all([runChain(m, store, me.runId, known.get(runRef(me.runId)), remoteTip, env), leaseCommit(repo, lockSha, leaseFor(holder, m.now(), config.leaseMs), env, config.signer)]);
    const pushed = await pushAtomic(config, [
      { ref: lockRef(runbookId), sha: lock, expected: lockSha },
      { ref: runRef(me.runId), sha: chain.tip!, expected: remoteTip },
    ]);
    if (!pushed.ok && pushed.why === "unreachable") return offlineLock(m, runbookId, local, pushed.detail);
    if (!pushed.ok && pushed.why === "refused") {
      // The remote's own reason (a hook, a protected ref): it will not change by trying again.
      if (m.offline) return offlineLock(m, runbookId, local, pushed.detail, true);
      throw new RunRefusedError(`${remote} refused the push that takes the lock of ${runbookId}: ${printableLine(pushed.detail)}`, {
        hint: `Nothing was run. Whoever runs ${remote} must let refs/runbook/* be pushed (hooks, protected refs, permissions); or pass --offline to run with this clone's lock only (journaled).`,
      });
    }
    if (!pushed.ok) continue; // someone moved first: look again
    await updateRefs(repo, "runbook: lock taken", [
      [trackingLockRef(remote, runbookId), lock],
      [trackingRunRef(remote, me.runId), chain.tip!],
      [runRef(me.runId), chain.tip!],
    ]);
    const h = new HeldLease({ config, runbookId, holder, lockSha: lock, chain, journalFile: store.pathOf(me.runId), env, now: m.now, notice: m.notice, offline: m.offline, describeRecord: m.describeRecord });
    held.set(me.runId, h);
    const taken = current && status !== "free" ? current : undefined;
    const takeover = taken ? (status === "live" ? `took over the live lease of ${describeLease(taken)} (--force)` : `took over the lock of ${runbookId}: the lease of ${describeLease(taken)} expired`) : local.takeover;
    return {
      file: where,
      tookOverFrom: taken ?? local.tookOverFrom,
      ...(takeover !== undefined ? { takeover } : {}),
      release: async () => {
        held.delete(me.runId);
        try {
          await h.release();
        } finally {
          await local.release();
        }
      },
      gate: (signal, o) => h.gate(signal, o),
      mark: () => h.mark(),
      settle: () => h.settle(),
      handOver: (to) => h.handOver(to),
    };
  }
  throw new LockHeldError(current, where, "Another machine took it while this one tried; see `runbook runs`.");
}

/**
 * The chain to push with the lock: the remote's, plus the first segment of what this clone
 * journaled and has not pushed (a runner that died before its last push, a run that went on
 * `--offline`; the held lease pushes the rest, a segment at a time); for a new run, its first
 * commit. A journal here that the remote's extends is brought up to it; one that is neither an
 * extension of the remote's nor a prefix of it is refused: two machines wrote the same run, or its
 * history on the remote was rewritten. Compared and read as streams.
 */
async function runChain(m: SharedMachine, store: JournalStore, runId: string, localTip: string | undefined, remoteTip: string | undefined, env: Record<string, string>) {
  const { repo } = m.config;
  const chunk = m.config.chunkBytes ?? DEFAULT_CHUNK;
  const base = localTip && (!remoteTip || (await isAncestor(repo, remoteTip, localTip))) ? localTip : remoteTip;
  if (base === undefined && !store.exists(runId)) return extendChain(repo, EMPTY_CHAIN, undefined, `runbook run ${runId}: started by ${env.GIT_AUTHOR_NAME ?? "?"}`, env, DEFAULT_CHUNK, m.config.signer);
  const chain = await chainAt(repo, base);
  const file = store.pathOf(runId);
  const here = completeLength(file, chunk) ?? 0;
  // The journal here and the remote's: one must be a prefix of the other.
  const shorter = here < chain.bytes;
  if ((shorter && !store.exists(runId)) || !(await samePrefix(repo, chainObjects(chain), file, Math.min(here, chain.bytes), chunk))) {
    throw new RunRefusedError(`run ${runId}'s journal in this clone and on ${m.config.remote} differ: two machines wrote it, or its history on ${m.config.remote} was rewritten`, {
      hint: "Nothing was changed. See `runbook share status`; keep both journals for the record.",
    });
  }
  if (shorter) {
    // The remote went on since this clone last looked (its runner pushed between this clone's sync
    // and this fetch): the rest is brought in, under this clone's lock of the journal and before the
    // run is read. The push below expects this tip.
    await replaceJournal(repo, file, chain, chunk);
    return chain;
  }
  if (here > chain.bytes) {
    const to = segmentEnd(file, chain.bytes, here, m.config.segmentBytes ?? DEFAULT_SEGMENT, chunk);
    return extendChain(repo, chain, { file, from: chain.bytes, to }, `runbook run ${runId}: events journaled before this push`, env, chunk, m.config.signer);
  }
  return chain.tip ? chain : extendChain(repo, chain, undefined, `runbook run ${runId}`, env, chunk, m.config.signer);
}

/** The remote cannot be used: refused, unless `--offline` says to go on with this clone's lock alone (already held). */
async function offlineLock(m: SharedMachine, runbookId: string, local: Lock, why: string, refused = false): Promise<Lock> {
  const remote = m.config.remote;
  if (!m.offline) {
    throw new RunRefusedError(`cannot reach ${remote} to take the lock of ${runbookId}: ${printableLine(why)}`, {
      hint: "Check the network and try again; or pass --offline to run with this clone's lock only (journaled: other machines will not see the run until it is pushed).",
    });
  }
  let noted = false;
  const what = refused ? `${remote} refused the push that takes the lock (${why})` : `${remote} could not be reached (${why})`;
  m.notice(`${refused ? `${remote} refused the push that takes the lock (${printableLine(why)})` : `cannot reach ${remote} (${printableLine(why)})`}: going on offline with this clone's lock only`);
  return {
    ...local,
    gate: () => {
      if (noted) return Promise.resolve(undefined);
      noted = true;
      return Promise.resolve(`went on offline (--offline): ${what}; the lock was taken in this clone only`);
    },
  };
}

/**
 * The file store, whose sinks tell the held lease when the run's state changed, and ask it before
 * the run's end is journaled: a runner that lost its lock does not record the run as ended.
 */
export function pushingStore(files: JournalStore, held: ReadonlyMap<string, HeldLease>): JournalStore {
  const wrap = (runId: string, sink: JournalSink): JournalSink => ({
    append: (event, durable = true) => {
      if (event.type === "run_finished") held.get(runId)?.ending();
      const full = sink.append(event, durable);
      // Output is batched: only a change of state (a durable event) is worth a push.
      if (durable) held.get(runId)?.kick();
      return full;
    },
    close: () => sink.close(),
  });
  return {
    ...files,
    create: (runId, first) => {
      const made = files.create(runId, first);
      held.get(runId)?.kick();
      return { ...made, sink: wrap(runId, made.sink) };
    },
    continue: (runId, scanned) => wrap(runId, files.continue(runId, scanned)),
  };
}
