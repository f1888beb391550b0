import { printableLine } from "../core/printable.js";
import type { ScanJournal } from "../journal/ports.js";
import { foldJournal } from "../run/read-run.js";
import { currentStep, runWord, stepList, stepWord, type RunState } from "../run/state.js";
import { leaseStatus, type LeaseRecord } from "../state/shared/lease.js";
import { leftAsIs } from "./run-summary.js";

/** What a shared record (a journal streamed from the remote) says, through the one fold: handed to the shared locks. */
export function describeSharedRecord(scan: ScanJournal, lease: LeaseRecord | undefined, now: number): string {
  return describeRecord(foldJournal(scan).state, lease, now);
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
