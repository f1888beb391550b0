import { RunRefusedError } from "../../errors.js";
import type { JournalSink } from "../../journal/store.js";
import type { JournalStore, Locks } from "../../run/world.js";
import { holderLive, LockHeldError, type Lock, type LockHolder } from "../lock.js";
import { chainAt, chainBytes, EMPTY_CHAIN, extendChain, identity, leaseCommit, readLeases } from "./chain.js";
import { isAncestor, refShas, updateRefs } from "./git.js";
import { HeldLease } from "./held.js";
import { describeLease, leaseFor, leaseStatus, type LeaseRecord } from "./lease.js";
import { lockRef, runRef, trackingLockRef, trackingRunRef } from "./refs.js";
import { fetchShared, prepareClone, pushAtomic, type ShareConfig } from "./remote.js";
import { readComplete } from "./sync.js";

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
  /** The lock in the state folder, for `--offline` when the remote cannot be reached. */
  readonly localLock: Locks["acquire"];
  /** The journal's writer lock in this clone: a shared lease never lets two local processes write one journal. */
  readonly writerLock: (me: { runId: string; user: string; startedAt: string }, force: boolean) => Lock;
}

/**
 * A runbook's lock on the git remote, `refs/runbook/locks/<runbook-id>`: taken by one atomic
 * compare-and-swap push together with the run's journal ref, so of two machines racing exactly one
 * wins, and the other is told who. A live lease is refused (`--force` takes it, never from a live
 * process on this host); an expired one is taken over with a notice.
 */
export function sharedLocks(m: SharedMachine, store: JournalStore, held: Map<string, HeldLease>): Locks {
  return {
    acquire: async (runbookId, me, force) => {
      const lock = await acquireShared(m, store, held, runbookId, me, force);
      // Offline, the local lock already holds the journal's writer lock.
      if (lock.file !== `${m.config.remote} ${lockRef(runbookId)}`) return lock;
      let writer: Lock;
      try {
        writer = m.writerLock(me, force);
      } catch (e) {
        await lock.release();
        throw e;
      }
      return {
        ...lock,
        release: async () => {
          try {
            await lock.release();
          } finally {
            writer.release();
          }
        },
      };
    },
    alive: (h) => holderLive(h, { host: m.host, alive: m.aliveHere }),
  };
}

const TRIES = 3;

async function acquireShared(m: SharedMachine, store: JournalStore, held: Map<string, HeldLease>, runbookId: string, me: { runId: string; user: string; startedAt: string }, force: boolean): Promise<Lock> {
  const { config } = m;
  const { repo, remote } = config;
  const where = `${remote} ${lockRef(runbookId)}`;
  await prepareClone(config);
  let current: LeaseRecord | undefined;
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const unreachable = await fetchShared(config);
    if (unreachable !== undefined) return offlineLock(m, runbookId, me, force, unreachable);
    const known = await refShas(repo, [trackingLockRef(remote, runbookId), trackingRunRef(remote, me.runId), runRef(me.runId)]);
    const lockSha = known.get(trackingLockRef(remote, runbookId));
    current = lockSha ? (await readLeases(repo, [lockSha])).get(lockSha) : undefined;
    const status = leaseStatus(current, m.now());
    if (current && status === "live") {
      if (!force) throw new LockHeldError(current, where, `Its lease ends at ${current.expiresAt} unless its runner renews it; then it can be taken over. --force takes it now.`);
      if (current.host === m.host && m.aliveHere(current)) throw new LockHeldError(current, where, "It is running on this machine: stop it first (Ctrl-C in its terminal); it can then be resumed.");
    }
    const env = identity(me.user, m.host);
    const remoteTip = known.get(trackingRunRef(remote, me.runId));
    const holder: LockHolder = { ...me, host: m.host, pid: m.pid, startTime: m.startTime };
    // The journal's commit and the lock's are independent: made side by side, pushed together.
    const [chain, lock] = await Promise.all([runChain(m, store, me.runId, known.get(runRef(me.runId)), remoteTip, env), leaseCommit(repo, lockSha, leaseFor(holder, m.now(), config.leaseMs), env)]);
    const pushed = await pushAtomic(config, [
      { ref: lockRef(runbookId), sha: lock, expected: lockSha },
      { ref: runRef(me.runId), sha: chain.tip!, expected: remoteTip },
    ]);
    if (!pushed.ok && pushed.why === "unreachable") return offlineLock(m, runbookId, me, force, pushed.detail);
    if (!pushed.ok) continue; // someone moved first: look again
    await updateRefs(repo, "runbook: lock taken", [
      [trackingLockRef(remote, runbookId), lock],
      [trackingRunRef(remote, me.runId), chain.tip!],
      [runRef(me.runId), chain.tip!],
    ]);
    const h = new HeldLease({ config, runbookId, holder, lockSha: lock, chain, journalFile: store.pathOf(me.runId), env, now: m.now, notice: m.notice, offline: m.offline });
    held.set(me.runId, h);
    const taken = current && status !== "free" ? current : undefined;
    return {
      file: where,
      tookOverFrom: taken,
      ...(taken ? { takeover: status === "live" ? `took over the live lease of ${describeLease(taken)} (--force)` : `took over the lock of ${runbookId}: the lease of ${describeLease(taken)} expired` } : {}),
      release: async () => {
        held.delete(me.runId);
        await h.release();
      },
      gate: (signal) => h.gate(signal),
    };
  }
  throw new LockHeldError(current, where, "Another machine took it while this one tried; see `runbook runs`.");
}

/**
 * The chain to push with the lock: the remote's, plus what this clone journaled and has not pushed
 * (a runner that died before its last push); for a new run, its first commit. A journal here that
 * is not an extension of the remote's is refused: two machines wrote the same run.
 */
async function runChain(m: SharedMachine, store: JournalStore, runId: string, localTip: string | undefined, remoteTip: string | undefined, env: Record<string, string>) {
  const { repo } = m.config;
  const base = localTip && (!remoteTip || (await isAncestor(repo, remoteTip, localTip))) ? localTip : remoteTip;
  if (base === undefined && !store.exists(runId)) return extendChain(repo, EMPTY_CHAIN, Buffer.alloc(0), `runbook run ${runId}: started by ${env.GIT_AUTHOR_NAME ?? "?"}`, env);
  const chain = await chainAt(repo, base);
  const here = readComplete(store.pathOf(runId)) ?? Buffer.alloc(0);
  const there = await chainBytes(repo, chain);
  if (here.length < there.length || !here.subarray(0, there.length).equals(there)) {
    throw new RunRefusedError(`run ${runId}'s journal in this clone and on ${m.config.remote} differ: two machines wrote it`, { hint: "Nothing was changed. See `runbook share status`; keep both journals for the record." });
  }
  return here.length > there.length ? extendChain(repo, chain, here.subarray(there.length), `runbook run ${runId}: events journaled before this push`, env) : chain.tip ? chain : extendChain(repo, chain, Buffer.alloc(0), `runbook run ${runId}`, env);
}

/** The remote cannot be reached: refused, unless `--offline` says to use this clone's lock alone. */
async function offlineLock(m: SharedMachine, runbookId: string, me: { runId: string; user: string; startedAt: string }, force: boolean, why: string): Promise<Lock> {
  if (!m.offline) {
    throw new RunRefusedError(`cannot reach ${m.config.remote} to take the lock of ${runbookId}: ${why}`, {
      hint: "Check the network and try again; or pass --offline to run with this clone's lock only (journaled: other machines will not see the run until it is pushed).",
    });
  }
  const local = await m.localLock(runbookId, me, force);
  let noted = false;
  m.notice(`cannot reach ${m.config.remote} (${why}): going on offline with this clone's lock only`);
  return {
    ...local,
    gate: () => {
      if (noted) return Promise.resolve(undefined);
      noted = true;
      return Promise.resolve(`went on offline (--offline): ${m.config.remote} could not be reached (${why}); the lock was taken in this clone only`);
    },
  };
}

/** The file store, whose sinks tell the held lease when the run's state changed. */
export function pushingStore(files: JournalStore, held: ReadonlyMap<string, HeldLease>): JournalStore {
  const wrap = (runId: string, sink: JournalSink): JournalSink => ({
    append: (event, durable = true) => {
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
