import { EXIT } from "../../core/errors.js";
import { formatDuration } from "../../model/duration.js";
import { leaseStatus } from "../../state/shared/lease.js";
import { fetchRefspec } from "../../state/shared/refs.js";
import { printableLine } from "../../core/printable.js";
import type { Io } from "../io.js";
import { historyText, openRuns, requireShare, rewrittenText, type RunsWorld } from "../shared-runs.js";

/** `runbook share status`: what only this clone has, what it could not reconcile, and who holds which lock. */
export default async function share(io: Io, flags: { format: "text" | "json"; config?: string }): Promise<number> {
  return shareStatus(io, await openRuns(io, flags.config), flags);
}

export function shareStatus(io: Io, ctx: RunsWorld, flags: { format: "text" | "json" }): number {
  const config = requireShare(ctx.share);
  // With `share:` the runs were fetched: there is a report.
  const sync = requireShare(ctx.sync);
  const now = ctx.now();
  const locks = [...sync.leases].map(([runbook, l]) => ({ runbook, status: leaseStatus(l, now), runId: l.runId, operator: l.user, host: l.host, pid: l.pid, expiresAt: l.expiresAt }));
  const status = {
    remote: config.remote,
    reached: sync.unreachable === undefined,
    error: sync.unreachable ?? null,
    leaseMs: config.leaseMs,
    refspec: fetchRefspec(config.remote),
    runs: sync.runs,
    fetched: sync.imported,
    kept: sync.kept,
    locks,
    ...(ctx.history ? { history: Object.fromEntries(ctx.history) } : {}),
  };
  if (flags.format === "json") {
    io.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return EXIT.ok;
  }
  const count = (s: string) => sync.runs.filter((r) => r.status === s).length;
  const lines = [
    `Runs shared through ${config.remote} (${status.reached ? "reached" : `not reached: ${printableLine(sync.unreachable ?? "")}`}); lease ${formatDuration(config.leaseMs)}; fetch refspec ${status.refspec}`,
    `${sync.runs.length} run${sync.runs.length === 1 ? "" : "s"}: ${count("shared")} shared, ${count("ahead")} with events not pushed, ${count("local only")} only in this clone, ${count("diverged")} taken over elsewhere, ${count("rewritten")} rewritten on ${config.remote}${count("left alone") ? `, ${count("left alone")} left alone` : ""}${sync.imported.length ? `; fetched now: ${sync.imported.join(", ")}` : ""}`,
  ];
  for (const r of sync.runs) {
    if (r.status === "ahead") lines.push(`  ${r.runId}  ${r.events} event${r.events === 1 ? "" : "s"} only in this clone (\`runbook share push\` pushes them; so does the next resume, rollback or note of the run)`);
    if (r.status === "local only") lines.push(`  ${r.runId}  only in this clone (${r.events} events; never pushed: \`runbook share push\`)`);
    if (r.status === "diverged") lines.push(`  ${r.runId}  went on elsewhere after this clone's last push: the shared journal is used now`);
    if (r.status === "rewritten") lines.push(`  ${r.runId}  ${rewrittenText(config.remote, r).replace(/^run \S+'s history/, "history")}`);
    if (r.status === "left alone") lines.push(`  ${r.runId}  left alone: ${printableLine(r.why)}`);
  }
  if (ctx.history) {
    const flagged = [...ctx.history].filter(([, t]) => t.status === "flagged");
    lines.push(`Signed histories: ${ctx.history.size - flagged.length} verified, ${flagged.length} FLAGGED`);
    for (const [id, t] of ctx.history) lines.push(`  ${id}  ${printableLine(historyText(t))}`);
  }
  if (sync.kept.length) lines.push(`Journals this clone set aside, never deleted (kept: what it journaled and never pushed; rewritten: ${config.remote}'s version of a rewritten run):`, ...sync.kept.map((k) => `  ${printableLine(k)}`));
  lines.push(locks.length ? "Locks:" : "Locks: none on the remote.");
  // Every field of a lock was written by whoever pushed it: escaped.
  for (const l of locks) lines.push(`  ${printableLine(l.runbook)}  ${l.status === "free" ? "free" : `${l.status === "live" ? "held" : "expired"}: run ${printableLine(l.runId)} (${printableLine(l.operator)}@${printableLine(l.host)}, pid ${l.pid}), lease until ${printableLine(l.expiresAt)}`}`);
  io.stdout.write(`${lines.join("\n")}\n`);
  return EXIT.ok;
}
