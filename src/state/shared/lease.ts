import type { LockHolder } from "../lock.js";

/** What a lock commit says: who holds the runbook, until when. Stored as `lock.json`. */
export interface LeaseRecord extends LockHolder {
  readonly renewedAt: string;
  readonly expiresAt: string;
  readonly released: boolean;
}

export type LeaseStatus = "free" | "live" | "expired";

/** A lease is live until it expires or its holder releases it. Judged by this machine's clock. */
export function leaseStatus(record: LeaseRecord | undefined, now: number): LeaseStatus {
  if (!record || record.released) return "free";
  return now < Date.parse(record.expiresAt) ? "live" : "expired";
}

export function parseLease(text: string | undefined): LeaseRecord | undefined {
  if (text === undefined) return undefined;
  try {
    const d = JSON.parse(text) as Partial<LeaseRecord>;
    return typeof d.runId === "string" && typeof d.host === "string" && typeof d.expiresAt === "string" && typeof d.pid === "number" ? (d as LeaseRecord) : undefined;
  } catch {
    return undefined;
  }
}

export function leaseFor(holder: LockHolder, now: number, leaseMs: number, released = false): LeaseRecord {
  return { ...holder, renewedAt: new Date(now).toISOString(), expiresAt: new Date(now + leaseMs).toISOString(), released };
}

/** How a lease reads in a message: "alice@laptop-a, run X, pid 42, lease until T". */
export function describeLease(r: LeaseRecord): string {
  return `run ${r.runId} (${r.user}@${r.host}, pid ${r.pid}, since ${r.startedAt}, lease until ${r.expiresAt})`;
}
