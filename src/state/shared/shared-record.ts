import { randomBytes } from "node:crypto";
import { closeSync, constants, openSync, unlinkSync } from "node:fs";
import path from "node:path";
import { scanJournal } from "../../journal/store.js";
import { leftAsIs } from "../../report/run-summary.js";
import { createFold, currentStep, runWord, stepList, stepWord, type RunState } from "../../run/state.js";
import { printableLine } from "../../core/printable.js";
import { chainAt, chainObjects, readLeases } from "./chain.js";
import { refSha } from "./git-remote.js";
import { leaseStatus, type LeaseRecord } from "./lease.js";
import { trackingLockRef, trackingRunRef } from "./refs.js";
import type { ShareConfig } from "./remote.js";
import { DEFAULT_CHUNK, writeObjects } from "./stream.js";

/**
 * A run as the remote has it (as last fetched), with the lease of its runbook: what the shared
 * record says, for a runner that lost its lock. The journal is streamed into a private file beside
 * `besides` (the run's journal, in the state folder) and read through the one fold, then removed.
 */
export async function readSharedRecord(config: ShareConfig, runId: string, runbookId: string, besides: string): Promise<{ state: RunState; lease: LeaseRecord | undefined } | undefined> {
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
    const fold = createFold();
    scanJournal(tmp, (e) => fold.add(e));
    const lockSha = await refSha(config.repo, trackingLockRef(config.remote, runbookId));
    const lease = lockSha ? (await readLeases(config.repo, [lockSha])).get(lockSha) : undefined;
    return { state: fold.result(), lease };
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // Already gone.
    }
  }
}

/**
 * What a shared record says of a run, in one line: its word, who holds it now (a live lease naming
 * it), where it stands, who took it up last. Pure; every value from the record is escaped.
 */
export function describeRecord(state: RunState, lease: LeaseRecord | undefined, now: number): string {
  const live = state.status === "running" && lease !== undefined && lease.runId === state.started.runId && leaseStatus(lease, now) === "live";
  const shown = live ? state : leftAsIs(state);
  const parts = [runWord(state, live)];
  if (live && lease) parts.push(`held by ${printableLine(lease.user)}@${printableLine(lease.host)} (pid ${lease.pid}, lease until ${printableLine(lease.expiresAt)})`);
  const at = state.ended ? undefined : currentStep(shown);
  if (at) parts.push(`at step ${printableLine(at.id)} (${stepWord(at) === "pending" ? "next" : stepWord(at)})`);
  const steps = stepList(shown);
  parts.push(`${steps.filter((s) => s.status === "done").length} of ${steps.length} steps done`);
  const last = state.sessions.at(-1);
  if (last && last.kind !== "started") parts.push(`${last.kind === "rollback" ? "rollback taken up" : "resumed"} by ${printableLine(last.operator)}@${printableLine(last.host)} at ${printableLine(last.at)}`);
  if (state.ended) parts.push(`ended at ${printableLine(state.ended.ts)}${state.ended.by ? ` by ${printableLine(state.ended.by)}` : ""}`);
  return parts.join("; ");
}
