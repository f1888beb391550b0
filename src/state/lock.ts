import { randomBytes } from "node:crypto";
import { closeSync, constants, linkSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { readSmallJson } from "./small-file.js";
import path from "node:path";
import { RunRefusedError } from "../core/errors.js";
import { isAlive, processStartTime } from "../system/proc.js";
import { printableLine } from "../core/printable.js";
import type { Lock, LockHolder } from "../journal/ports.js";
import { ensureStateSubdir, journalPath, locksDir, makeStateSubdir, runsDir } from "./state-dir.js";

export type { Lock, LockHolder } from "../journal/ports.js";

export class LockHeldError extends RunRefusedError {
  override name = "LockHeldError";
  constructor(
    readonly holder: LockHolder | undefined,
    readonly file: string,
    hint: string,
    /** What is held: "runbook is locked", "journal … is being written". */
    what = "runbook is locked",
  ) {
    super(holder ? `${what} by ${describeHolder(holder)}` : `${what} (${printableLine(file)} is unreadable)`, { hint });
  }
}

/**
 * How a lock's holder reads in a message: `run X (alice@laptop, pid 42, since T)`. Every field was
 * written by someone else (a lock file, a lease on the remote): each is escaped, so a lock cannot
 * clear a screen or forge a line.
 */
export function describeHolder(h: LockHolder): string {
  return `run ${printableLine(h.runId)} (${printableLine(h.user)}@${printableLine(h.host)}, pid ${h.pid}, since ${printableLine(h.startedAt)})`;
}


/** What a lock needs to know about this machine; tests pass their own. */
export interface LockHost {
  readonly host: string;
  readonly pid: number;
  /** Whether a holder on this host is still running (same pid, same start time). */
  alive(holder: LockHolder): boolean;
  /**
   * Whether a live holder on this host is a runbook runner, which `--force` never takes a lock from.
   * A lock naming pid 1 or a `sleep` was not written by a runner (or its runner is long gone and its
   * pid reused): it must not keep a lock forever. Absent: every live holder counts as a runner.
   */
  runner?(holder: LockHolder): boolean;
}

/** Whether a lock's holder is live: on this host, ask the process; on another, it cannot be checked from here and counts as live. */
export function holderLive(h: LockHolder, machine: Pick<LockHost, "host" | "alive">): boolean {
  return h.host !== machine.host || machine.alive(h);
}

/** Whether a holder is a runner alive on this host: the one holder even `--force` leaves alone. */
export function runnerHere(h: LockHolder, machine: Pick<LockHost, "host" | "alive" | "runner">): boolean {
  return h.host === machine.host && machine.alive(h) && (machine.runner?.(h) ?? true);
}

export const thisHost = (host: string, pid: number): LockHost => ({
  host,
  pid,
  alive: (h) => {
    // Pid 0 and negative pids name process groups, never a holder: kill(0, 0) would always succeed.
    if (!Number.isSafeInteger(h.pid) || h.pid <= 0 || !isAlive(h.pid)) return false;
    const now = processStartTime(h.pid);
    // A reused pid is another process.
    return !(h.startTime !== null && now !== undefined && now !== h.startTime);
  },
  runner: (h) => looksLikeRunner(h.pid),
});

/**
 * Whether a process could be a runbook runner: its program (argv[0] in /proc/<pid>/cmdline) is a
 * JavaScript runtime or is named runbook. Init, a shell or a `sleep` is not. When it cannot be told
 * (no /proc, not allowed), it counts as one: a lock is kept rather than taken from a runner.
 */
export function looksLikeRunner(pid: number): boolean {
  let argv0: string;
  try {
    argv0 = readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0")[0] ?? "";
  } catch {
    return true;
  }
  // A process whose command line is empty is a kernel thread or a zombie: not a runner.
  return RUNNER_PROGRAM.test(path.basename(argv0));
}

const RUNNER_PROGRAM = /^(node|nodejs|bun|deno)[-.\d]*(\.exe)?$|runbook/i;

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
    const live = e instanceof LockHeldError && e.holder !== undefined && runnerHere(e.holder, machine);
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
  ...(runbook.takeover !== undefined ? { takeover: runbook.takeover } : {}),
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
  // A live process here that is no runner (pid 1, a `sleep`) holds nothing: --force takes its lock.
  const stranger = current !== undefined && here && machine.alive(current) && !runnerHere(current, machine);
  if (current && here && machine.alive(current) && !(stranger && force)) {
    throw held(current, stranger ? `pid ${current.pid} on this host is not a runbook runner (its command line says so): if no run is going on, pass --force.` : LIVE_HINT);
  }
  if (!force && (!current || !here)) {
    throw held(current, current ? `It is held from another host (${printableLine(current.host)}): if that run is really dead, pass --force.` : `If no run is going on, pass --force or delete ${printableLine(file)}.`);
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
    return { file, tookOverFrom: current, ...(current ? { takeover: takeoverText(current, here, stranger) } : {}), release };
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
  return parseHolder(readSmallJson(file, 4096));
}

/**
 * A holder from what a lock says, or undefined when it does not say who (then the lock is
 * unreadable). Someone else wrote it: every field is checked for its type, so a message never
 * prints `[object Object]` and a pid is a pid.
 */
export function parseHolder(data: unknown): LockHolder | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const d = data as Record<string, unknown>;
  if (typeof d.runId !== "string" || typeof d.host !== "string" || typeof d.pid !== "number" || !Number.isSafeInteger(d.pid)) return undefined;
  return {
    runId: d.runId,
    user: typeof d.user === "string" ? d.user : "?",
    host: d.host,
    pid: d.pid,
    startTime: typeof d.startTime === "string" ? d.startTime : null,
    startedAt: typeof d.startedAt === "string" ? d.startedAt : "?",
  };
}

/** The notice of a takeover, escaped (the holder's fields are someone else's words). */
function takeoverText(h: LockHolder, here: boolean, stranger: boolean): string {
  const why = !here ? `it was held from ${printableLine(h.host)} (--force)` : stranger ? `pid ${h.pid} on this host is not a runbook runner (--force)` : `pid ${h.pid} on ${printableLine(h.host)} is gone`;
  return `took over the lock of run ${printableLine(h.runId)} (${why})`;
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

