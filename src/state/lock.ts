import { randomBytes } from "node:crypto";
import { closeSync, constants, linkSync, openSync, unlinkSync, writeSync } from "node:fs";
import { readSmallJson } from "./small-file.js";
import path from "node:path";
import { RunRefusedError } from "../errors.js";
import { isAlive, processStartTime } from "../engine/proc.js";
import { ensureStateSubdir, journalPath, locksDir, makeStateSubdir, runsDir } from "./layout.js";

export interface LockHolder {
  readonly runId: string;
  readonly user: string;
  readonly host: string;
  readonly pid: number;
  readonly startTime: string | null;
  readonly startedAt: string;
}

export class LockHeldError extends RunRefusedError {
  override name = "LockHeldError";
  constructor(
    readonly holder: LockHolder | undefined,
    readonly file: string,
    hint: string,
    /** What is held: "runbook is locked", "journal … is being written". */
    what = "runbook is locked",
  ) {
    super(holder ? `${what} by run ${holder.runId} (${holder.user}@${holder.host}, pid ${holder.pid}, since ${holder.startedAt})` : `${what} (${file} is unreadable)`, { hint });
  }
}

export interface Lock {
  readonly file: string;
  /** Set when a dead holder's lock was taken over: its run may have left a step's processes behind. */
  readonly tookOverFrom: LockHolder | undefined;
  /** How the takeover reads, when the default ("pid N on H is gone") would not be true (an expired lease). */
  readonly takeover?: string;
  release(): void | Promise<void>;
  /**
   * Asked before each block starts: resolves when the run may go on (a shared lock whose lease is
   * renewed), waits while it may not, rejects when the lock was lost. What it resolves to, if
   * anything, is a note to journal (such as going on offline).
   */
  gate?(signal: AbortSignal): Promise<string | undefined>;
}

/** What a lock needs to know about this machine; tests pass their own. */
export interface LockHost {
  readonly host: string;
  readonly pid: number;
  /** Whether a holder on this host is still running (same pid, same start time). */
  alive(holder: LockHolder): boolean;
}

/** Whether a lock's holder is live: on this host, ask the process; on another, it cannot be checked from here and counts as live. */
export function holderLive(h: LockHolder, machine: Pick<LockHost, "host" | "alive">): boolean {
  return h.host !== machine.host || machine.alive(h);
}

export const thisHost = (host: string, pid: number): LockHost => ({
  host,
  pid,
  alive: (h) => {
    if (!isAlive(h.pid)) return false;
    const now = processStartTime(h.pid);
    // A reused pid is another process.
    return !(h.startTime !== null && now !== undefined && now !== h.startTime);
  },
});

const LIVE_HINT = "Wait for it to finish, or stop it first (Ctrl-C in its terminal, or kill -INT <pid>); it can then be resumed.";

/**
 * One run per runbook at a time: `locks/<runbook-id>.lock`. A holder that is gone from this host is
 * taken over; `force` takes a lock from a holder on another host, or an unreadable lock; never from a
 * holder alive on this host.
 */
export function acquireLock(state: string, runbookId: string, me: { runId: string; user: string; startedAt: string }, machine: LockHost, force = false): Lock {
  const dir = locksDir(state);
  ensureStateSubdir(state, dir);
  return takeLockFile(path.join(dir, `${runbookId}.lock`), me, machine, force, "runbook is locked");
}

/**
 * One writer per journal: `runs/<run-id>.jsonl.lock`, beside it, held while the journal is created or
 * continued. The runbook lock already keeps runs apart; this one holds when that one was taken by
 * mistake (`--force` on an unreadable lock), so two processes can never write one journal. The same
 * rules: a dead holder on this host is taken over, a live one never.
 */
export function acquireWriterLock(state: string, runId: string, me: { runId: string; user: string; startedAt: string }, machine: LockHost, force = false): Lock {
  makeStateSubdir(state, runsDir(state));
  const journal = journalPath(state, runId);
  return takeLockFile(`${journal}.lock`, me, machine, force, `journal ${path.basename(journal)} is being written`);
}

/** Whether this process holds a journal's writer lock: the store writes nothing without it. */
export function holdsWriterLock(journal: string, machine: Pick<LockHost, "host" | "pid">): boolean {
  const h = readHolder(`${journal}.lock`);
  return h !== undefined && h.host === machine.host && h.pid === machine.pid;
}

/**
 * What a session holds while it runs `me.runId`: the runbook's lock and the run's journal's writer
 * lock. When only `force` could take the runbook lock, the journal is checked first, so that a lock
 * that lies (unreadable, deleted) never lets a second process near a journal that is being written.
 */
export function acquireRunLocks(state: string, runbookId: string, me: { runId: string; user: string; startedAt: string }, machine: LockHost, force = false): Lock {
  let runbook: Lock;
  let writer: Lock;
  try {
    runbook = acquireLock(state, runbookId, me, machine, false);
  } catch (e) {
    const live = e instanceof LockHeldError && e.holder?.host === machine.host && machine.alive(e.holder);
    if (!force || live) throw e;
    writer = acquireWriterLock(state, me.runId, me, machine, force);
    try {
      runbook = acquireLock(state, runbookId, me, machine, force);
    } catch (again) {
      writer.release();
      throw again;
    }
    return both(runbook, writer);
  }
  try {
    writer = acquireWriterLock(state, me.runId, me, machine, force);
  } catch (e) {
    runbook.release();
    throw e;
  }
  return both(runbook, writer);
}

const both = (runbook: Lock, writer: Lock): Lock => ({
  file: runbook.file,
  tookOverFrom: runbook.tookOverFrom,
  release: () => {
    writer.release();
    runbook.release();
  },
});

/**
 * An exclusive lock file, created whole (written under a temporary name, then linked into place, which
 * fails if it exists) so exactly one of two racing processes wins and nobody ever reads a half-written
 * holder. A holder that is gone from this host is taken over through a second exclusive file, so two
 * processes cannot both take it over.
 */
function takeLockFile(file: string, me: { runId: string; user: string; startedAt: string }, machine: LockHost, force: boolean, what: string): Lock {
  const holder: LockHolder = { ...me, host: machine.host, pid: machine.pid, startTime: processStartTime(machine.pid) ?? null };
  const release = () => {
    if (sameHolder(readHolder(file), holder)) unlinkQuiet(file);
  };
  const held = (h: LockHolder | undefined, hint: string) => new LockHeldError(h, file, hint, what);
  if (create(file, holder)) return { file, tookOverFrom: undefined, release };

  const current = readHolder(file);
  const here = current?.host === machine.host;
  if (current && here && machine.alive(current)) throw held(current, LIVE_HINT);
  if (!force && (!current || !here)) {
    throw held(current, current ? `It is held from another host (${current.host}): if that run is really dead, pass --force.` : `If no run is going on, pass --force or delete ${file}.`);
  }
  const takeover = `${file}.takeover`;
  if (!create(takeover, holder)) {
    const other = readHolder(takeover);
    if (other && other.host === machine.host && machine.alive(other)) throw held(current, LIVE_HINT);
    unlinkQuiet(takeover);
    if (!create(takeover, holder)) throw held(current, LIVE_HINT);
  }
  try {
    // Re-read under the takeover lock: someone may have replaced the lock since we looked.
    const again = readHolder(file);
    if (again && (!current || !sameHolder(again, current))) throw held(again, LIVE_HINT);
    unlinkQuiet(file);
    if (!create(file, holder)) throw held(readHolder(file), LIVE_HINT);
    return { file, tookOverFrom: current, release };
  } finally {
    unlinkQuiet(takeover);
  }
}

/** The same holder: a resume holds a lock for the same run as the process it took it from. */
function sameHolder(a: LockHolder | undefined, b: LockHolder): boolean {
  return a !== undefined && a.runId === b.runId && a.host === b.host && a.pid === b.pid && a.startTime === b.startTime;
}

/** Who holds a lock file, if it is a regular file that says. */
export function readHolder(file: string): LockHolder | undefined {
  const data = readSmallJson(file, 4096) as Partial<LockHolder> | undefined;
  return data && typeof data.runId === "string" && typeof data.pid === "number" && typeof data.host === "string" ? (data as LockHolder) : undefined;
}

/** The lock of a runbook, if any (for views: is this run live?). */
export function lockHolder(state: string, runbookId: string): LockHolder | undefined {
  return readHolder(path.join(locksDir(state), `${runbookId}.lock`));
}

function create(file: string, holder: LockHolder): boolean {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    try {
      writeSync(fd, `${JSON.stringify(holder)}\n`);
    } finally {
      closeSync(fd);
    }
    linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  } finally {
    unlinkQuiet(tmp);
  }
}

function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

