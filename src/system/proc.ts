import { readdirSync, readFileSync } from "node:fs";

/**
 * The start time of a process, from /proc/<pid>/stat (field 22, in clock ticks since boot).
 * With the pid it identifies a process even after the pid is reused. Undefined off Linux.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may contain spaces: count from its end.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}

/** Whether a process exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether any process is left in a process group. */
export function groupAlive(pgid: number): boolean {
  return isAlive(-pgid);
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops what is left of a block after its runner was killed: its process group, and the processes
 * carrying its tag that left the group; TERM, then KILL. A group whose leader pid now belongs to a
 * younger process is not ours and is left alone (a tag is never another block's).
 */
export async function stopOrphanGroup(pgid: number | null, startTime: string | null, graceMs: number, tag?: string): Promise<"none" | "stopped" | "not-ours" | "stuck"> {
  // No group journaled (the runner died before it could): the block's tag alone finds what it left.
  const now = pgid === null ? undefined : processStartTime(pgid);
  const ours = pgid !== null && groupAlive(pgid) && !(now !== undefined && startTime !== null && now !== startTime);
  const group = ours ? pgid : undefined;
  if (blockProcesses(group, tag).length === 0) return pgid !== null && groupAlive(pgid) && !ours ? "not-ours" : "none";
  signalBlock(group, tag, "SIGTERM");
  for (let waited = 0; waited < graceMs && blockProcesses(group, tag).length > 0; waited += 50) await sleep(50);
  // A block that outlives SIGKILL (a process stuck in the kernel) must not run beside its next attempt.
  return (await killBlock(group, tag)).length ? "stuck" : "stopped";
}

/**
 * The variable every process of a block inherits, naming the block: `RUNBOOK_BLOCK=<run>:<target>:
 * <phase>:<attempt>`. A process that left the block's process group (`setsid`, a double fork) is
 * still found by it, so a timeout or an interruption stops it too. Only one that clears or replaces
 * its environment (`env -i`, `sudo`) is lost.
 */
export const BLOCK_TAG = "RUNBOOK_BLOCK";

export function blockTag(runId: string, target: string, phase: string, attempt: number): string {
  return `${runId}:${target}:${phase}:${attempt}`;
}

/**
 * The live processes of a block (zombies aside): those in its process group, and those whose
 * environment holds `RUNBOOK_BLOCK=<tag>`, from /proc. Without /proc, the group as kill(2) sees it.
 */
export function blockProcesses(pgid: number | undefined, tag: string | undefined): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return pgid !== undefined && groupAlive(pgid) ? [pgid] : [];
  }
  const needle = tag === undefined ? undefined : Buffer.from(`\0${BLOCK_TAG}=${tag}\0`);
  const found: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // After the command name: state, ppid, pgrp.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state === "Z") continue;
      if (pgid !== undefined && Number(pgrp) === pgid) found.push(pid);
      // NUL-separated; a leading NUL lets the first variable match too.
      else if (needle && Buffer.concat([NUL, readFileSync(`/proc/${pid}/environ`)]).includes(needle)) found.push(pid);
    } catch {
      // Gone, or another user's.
    }
  }
  return found;
}

const NUL = Buffer.from([0]);

/** Signals every process of a block that is still around, in its group or out of it. */
export function signalBlock(pgid: number | undefined, tag: string | undefined, signal: NodeJS.Signals): void {
  if (pgid !== undefined) signalGroup(pgid, signal);
  if (tag !== undefined) for (const pid of blockProcesses(undefined, tag)) signalPid(pid, signal);
}

/** KILLs what is left of a block until nothing is (a process may fork while it is killed), for 2 s at most. */
/**
 * SIGKILLs a block's processes until none is left, and returns those still there after `boundMs`
 * (a busy machine can take seconds to reap them; a process in uninterruptible sleep takes longer).
 */
export async function killBlock(pgid: number | undefined, tag: string | undefined, boundMs = 15_000): Promise<number[]> {
  for (let waited = 0; ; waited += 50) {
    signalBlock(pgid, tag, "SIGKILL");
    const left = blockProcesses(pgid, tag);
    if (left.length === 0 || waited >= boundMs) return left;
    await sleep(50);
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}
