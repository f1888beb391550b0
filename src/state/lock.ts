import { closeSync, constants, fstatSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { RunRefusedError } from "../errors.js";
import { isAlive, processStartTime } from "../engine/proc.js";
import { ensureStateSubdir, locksDir } from "./layout.js";

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
  ) {
    super(holder ? `runbook is locked by run ${holder.runId} (${holder.user}@${holder.host}, pid ${holder.pid}, since ${holder.startedAt})` : `runbook is locked (${file} is unreadable)`, { hint });
  }
}

export interface Lock {
  readonly file: string;
  /** Set when a dead holder's lock was taken over: its run may have left a step's processes behind. */
  readonly tookOverFrom: LockHolder | undefined;
  release(): void;
}

/** What a lock needs to know about this machine; tests pass their own. */
export interface LockHost {
  readonly host: string;
  readonly pid: number;
  /** Whether a holder on this host is still running (same pid, same start time). */
  alive(holder: LockHolder): boolean;
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
 * One run per runbook at a time: `locks/<runbook-id>.lock`, created with O_EXCL so exactly one of
 * two racing processes wins. A holder that is gone from this host is taken over (through a second
 * exclusive file, so two processes cannot both take it over). `force` takes a lock from a holder
 * on another host, or an unreadable lock; never from a holder alive on this host.
 */
export function acquireLock(state: string, runbookId: string, me: { runId: string; user: string; startedAt: string }, machine: LockHost, force = false): Lock {
  const dir = locksDir(state);
  ensureStateSubdir(state, dir);
  const file = path.join(dir, `${runbookId}.lock`);
  const holder: LockHolder = { ...me, host: machine.host, pid: machine.pid, startTime: processStartTime(machine.pid) ?? null };
  const release = () => {
    if (readHolder(file)?.runId === holder.runId) unlinkQuiet(file);
  };
  if (create(file, holder)) return { file, tookOverFrom: undefined, release };

  const current = readHolder(file);
  const here = current?.host === machine.host;
  if (current && here && machine.alive(current)) throw new LockHeldError(current, file, LIVE_HINT);
  if (!force && (!current || !here)) {
    throw new LockHeldError(current, file, current ? `It is held from another host (${current.host}): if that run is really dead, pass --force.` : `If no run is going on, pass --force or delete ${file}.`);
  }
  const takeover = `${file}.takeover`;
  if (!create(takeover, holder)) {
    const other = readHolder(takeover);
    if (other && other.host === machine.host && machine.alive(other)) throw new LockHeldError(current, file, LIVE_HINT);
    unlinkQuiet(takeover);
    if (!create(takeover, holder)) throw new LockHeldError(current, file, LIVE_HINT);
  }
  try {
    // Re-read under the takeover lock: someone may have replaced the lock since we looked.
    const again = readHolder(file);
    if (again && current && again.runId !== current.runId) throw new LockHeldError(again, file, LIVE_HINT);
    unlinkQuiet(file);
    if (!create(file, holder)) throw new LockHeldError(readHolder(file), file, LIVE_HINT);
    return { file, tookOverFrom: current, release };
  } finally {
    unlinkQuiet(takeover);
  }
}

/** Who holds a lock file, if it is a regular file that says. */
export function readHolder(file: string): LockHolder | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const data = JSON.parse(buf.subarray(0, n).toString("utf8")) as Partial<LockHolder>;
    return typeof data.runId === "string" && typeof data.pid === "number" && typeof data.host === "string" ? (data as LockHolder) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The lock of a runbook, if any (for views: is this run live?). */
export function lockHolder(state: string, runbookId: string): LockHolder | undefined {
  return readHolder(path.join(locksDir(state), `${runbookId}.lock`));
}

function create(file: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

/** Whether a process still holds a run: the runbook's lock names it and its holder lives. */
export function runIsLive(state: string, runbookId: string, runId: string, machine: LockHost): boolean {
  const h = lockHolder(state, runbookId);
  return h !== undefined && h.runId === runId && (h.host !== machine.host || machine.alive(h));
}
