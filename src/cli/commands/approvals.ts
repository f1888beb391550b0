import { EXIT } from "../../core/errors.js";
import { printableLine } from "../../core/printable.js";
import { parsePlan } from "../../run/approval-plan.js";
import { loadProjectConfig } from "../project-config.js";
import { stateDirOf } from "../../state/state-dir.js";
import { shareConfigOf } from "../../state/shared/setup.js";
import { approvalContext, assessPlan } from "../approvals.js";
import type { Io } from "../io.js";

/** `runbook approvals`: every plan, newest first, with its state and who signed it. */
export default async function approvals(io: Io, flags: { format?: "table" | "json"; config?: string }): Promise<number> {
  const loaded = await loadProjectConfig(io.cwd, flags.config);
  const ctx = approvalContext(loaded, shareConfigOf(loaded, io.env), stateDirOf(io.env, loaded.root, loaded.config.state_dir, io.cwd));
  const now = new Date();
  const rows = [];
  for (const stored of await ctx.store.list()) {
    const doc = parsePlan(stored.bytes);
    if (!doc) {
      rows.push({ id: stored.id, state: "refused" as const, runbook: null, requester: null, approvers: [], required: null, expiresAt: null, used: null, problems: ["not a plan this version understands"] });
      continue;
    }
    const a = await assessPlan(ctx, stored, doc, now);
    rows.push({ id: stored.id, state: a.state, runbook: doc.runbook.path, requester: doc.requester, approvers: a.approvers, required: doc.required, requestedAt: doc.requestedAt, expiresAt: doc.expiresAt, params: doc.params, used: stored.used ?? null, problems: a.problems });
  }
  rows.sort((a, b) => String(b.requestedAt ?? "").localeCompare(String(a.requestedAt ?? "")));
  if (flags.format === "json") {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  if (rows.length === 0) {
    io.stdout.write(`No plans in ${ctx.store.where}.\n`);
    return EXIT.ok;
  }
  const table = rows.map((r) => [r.id, r.state, r.runbook ?? "?", r.requester ?? "?", `${r.approvers.length}/${r.required ?? "?"} ${r.approvers.join(",")}`.trim(), r.expiresAt ?? "?"].map((c) => printableLine(String(c))));
  const head = ["PLAN", "STATE", "RUNBOOK", "REQUESTER", "APPROVED BY", "EXPIRES"];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => `${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd()}\n`;
  io.stdout.write(line(head) + table.map(line).join(""));
  for (const r of rows) for (const p of r.problems) io.stdout.write(`  ${r.id}: ${printableLine(p)}\n`);
  return EXIT.ok;
}
