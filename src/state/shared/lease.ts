import { printableLine } from "../../core/printable.js";
import { parseHolder, type LockHolder } from "../lock.js";

/** What a lock commit says: who holds the runbook, until when. Stored as `lock.json`. */
export interface LeaseRecord extends LockHolder {
  readonly renewedAt: string;
  readonly expiresAt: string;
  readonly released: boolean;
  /** A released lock handed over to this operator: only they may take it before `expiresAt` (docs/handoff.md). */
  readonly releasedTo?: string;
}

export type LeaseStatus = "free" | "live" | "expired";

/** A lease is live until it expires or its holder releases it. Judged by this machine's clock. */
export function leaseStatus(record: LeaseRecord | undefined, now: number): LeaseStatus {
  if (!record || record.released) return "free";
  return now < Date.parse(record.expiresAt) ? "live" : "expired";
}

/**
 * What a lock commit says, or undefined when it does not say who holds the lock until when.
 * Whoever may push wrote it: every field is checked for its type (a lease that does not say when
 * it expires is not one), and nothing in it is printed unescaped.
 */
export function parseLease(text: string | undefined): LeaseRecord | undefined {
  if (text === undefined) return undefined;
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const holder = parseHolder(d);
  if (!holder || typeof d.expiresAt !== "string" || Number.isNaN(Date.parse(d.expiresAt))) return undefined;
  return {
    ...holder, renewedAt: typeof d.renewedAt === "string" ? d.renewedAt : "?", expiresAt: d.expiresAt, released: d.released === true,
    ...(d.released === true && typeof d.releasedTo === "string" ? { releasedTo: d.releasedTo } : {}),
  };
}

export function leaseFor(holder: LockHolder, now: number, leaseMs: number, released = false, releasedTo?: string): LeaseRecord {
  return { ...holder, renewedAt: new Date(now).toISOString(), expiresAt: new Date(now + leaseMs).toISOString(), released, ...(released && releasedTo !== undefined ? { releasedTo } : {}) };
}

/** Whether a released lock is still kept for the one it was handed over to, and `user` is someone else. */
export function keptForAnother(record: LeaseRecord | undefined, user: string, now: number): boolean {
  return record?.released === true && record.releasedTo !== undefined && record.releasedTo !== user && now < Date.parse(record.expiresAt);
}

/** How a lease reads in a message: "run X (alice@laptop-a, pid 42, since T, lease until T)", every field escaped. */
export function describeLease(r: LeaseRecord): string {
  return `run ${printableLine(r.runId)} (${printableLine(r.user)}@${printableLine(r.host)}, pid ${r.pid}, since ${printableLine(r.startedAt)}, lease until ${printableLine(r.expiresAt)})`;
}
