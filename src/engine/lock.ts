import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { mkdirp } from "../files/mkdirp.js";
import os from "node:os";
import path from "node:path";
import { isAlive, processStartTime } from "./proc.js";

export interface LockHolder {
  readonly runId: string;
  readonly user: string;
  readonly host: string;
  readonly pid: number;
  readonly startTime: string | null;
  readonly startedAt: string;
}

export class LockHeldError extends Error {
  override name = "LockHeldError";
  constructor(readonly holder: LockHolder | undefined, readonly file: string) {
    super(
      holder
        ? `runbook is locked by run ${holder.runId} (${holder.user}@${holder.host}, pid ${holder.pid}, since ${holder.startedAt})`
        : `runbook is locked (${file} is unreadable)`,
    );
  }
}

export interface Lock {
  readonly file: string;
  /** Set when a dead holder's lock was taken over. */
  readonly tookOverFrom: LockHolder | undefined;
  release(): void;
}

/**
 * One run per runbook at a time: `locks/<runbook-id>.lock`, created with O_EXCL so exactly one of
 * two racing processes wins. A lock whose holder is dead on this host is taken over (through a
 * second exclusive file, so two processes cannot both take it over); a live holder, or one on
 * another host, only with `force`.
 */
export function acquireLock(stateDir: string, runbookId: string, me: Omit<LockHolder, "host" | "pid" | "startTime">, force = false): Lock {
  const dir = path.join(stateDir, "locks");
  mkdirp(dir);
  const file = path.join(dir, `${runbookId}.lock`);
  const holder: LockHolder = { ...me, host: os.hostname(), pid: process.pid, startTime: processStartTime(process.pid) ?? null };
  const release = () => {
    try {
      if (readHolder(file)?.runId === holder.runId) unlinkSync(file);
    } catch {
      // Already gone.
    }
  };
  if (create(file, holder)) return { file, tookOverFrom: undefined, release };

  const current = readHolder(file);
  if (!force && (!current || !isStale(current))) throw new LockHeldError(current, file);
  const takeover = `${file}.takeover`;
  if (!create(takeover, holder)) {
    const other = readHolder(takeover);
    if (other && !isStale(other)) throw new LockHeldError(current, file);
    unlinkQuiet(takeover);
    if (!create(takeover, holder)) throw new LockHeldError(current, file);
  }
  try {
    // Re-read under the takeover lock: someone may have replaced the lock since we looked.
    const again = readHolder(file);
    if (again && current && again.runId !== current.runId) throw new LockHeldError(again, file);
    unlinkQuiet(file);
    if (!create(file, holder)) throw new LockHeldError(readHolder(file), file);
    return { file, tookOverFrom: current, release };
  } finally {
    unlinkQuiet(takeover);
  }
}

/** A holder is stale only when it ran on this host and its process is gone (or the pid was reused). */
export function isStale(h: LockHolder): boolean {
  if (h.host !== os.hostname()) return false;
  if (!isAlive(h.pid)) return true;
  const now = processStartTime(h.pid);
  return h.startTime !== null && now !== undefined && now !== h.startTime;
}

export function readHolder(file: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LockHolder;
  } catch {
    return undefined;
  }
}

function create(file: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx");
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
