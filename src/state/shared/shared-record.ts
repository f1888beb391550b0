import { randomBytes } from "node:crypto";
import { closeSync, constants, openSync, unlinkSync } from "node:fs";
import path from "node:path";
import { scanJournal } from "../../journal/store.js";
import type { ScanJournal } from "../../journal/ports.js";
import { chainAt, chainObjects, readLeases } from "./chain.js";
import { refSha } from "./git-remote.js";
import type { LeaseRecord } from "./lease.js";
import { trackingLockRef, trackingRunRef } from "./refs.js";
import type { ShareConfig } from "./remote.js";
import { DEFAULT_CHUNK, writeObjects } from "./stream.js";

/**
 * How a shared record reads, in one line, for a runner that lost its lock: handed in from above
 * (report/shared-record-text.ts), which folds the journal; the state folder knows no run fold.
 */
export type RecordDescriber = (scan: ScanJournal, lease: LeaseRecord | undefined, now: number) => string;

/**
 * A run as the remote has it (as last fetched), with the lease of its runbook: what the shared
 * record says, for a runner that lost its lock. The journal is streamed into a private file beside
 * `besides` (the run's journal, in the state folder) and read by `describe` as a stream, then removed.
 */
export async function readSharedRecord(config: ShareConfig, runId: string, runbookId: string, besides: string, describe: RecordDescriber, now: number): Promise<string | undefined> {
  const tip = await refSha(config.repo, trackingRunRef(config.remote, runId));
  if (tip === undefined) return undefined;
  const chain = await chainAt(config.repo, tip);
  const tmp = path.join(path.dirname(besides), `.${path.basename(besides)}.record-${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    try {
      await writeObjects(config.repo, chainObjects(chain), fd, config.chunkBytes ?? DEFAULT_CHUNK);
    } finally {
      closeSync(fd);
    }
    const lockSha = await refSha(config.repo, trackingLockRef(config.remote, runbookId));
    const lease = lockSha ? (await readLeases(config.repo, [lockSha])).get(lockSha) : undefined;
    return describe((onEvent) => scanJournal(tmp, onEvent), lease, now);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // Already gone.
    }
  }
}
