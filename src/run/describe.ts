import { formatDuration } from "../schema/duration.js";
import type { Plan, PlanBlock } from "../engine/plan.js";

const indent = (s: string, by = "      ") => s.split("\n").map((l) => `${by}${l}`).join("\n");

function attrs(b: PlanBlock): string {
  const out: string[] = [];
  if (b.timeoutMs !== undefined) out.push(`timeout ${formatDuration(b.timeoutMs)}`);
  if (b.retries) out.push(`${b.retries} retr${b.retries === 1 ? "y" : "ies"}, backoff ${formatDuration(b.backoffMs)}`);
  return out.length ? ` (${out.join(", ")})` : "";
}

/** `--dry-run`: the order, the commands, which steps confirm and which can be rolled back. Nothing runs. */
export function describePlan(plan: Plan, params: Readonly<Record<string, string>>, secrets: ReadonlySet<string>, pick: { from?: string | undefined; only?: readonly string[] | undefined } = {}): string {
  const out: string[] = [`Plan for ${plan.title} (${plan.runbookId}), nothing will run:`, ""];
  const order = plan.steps.map((s) => s.id);
  const assumed = (id: string) => (pick.only ? !pick.only.includes(id) : pick.from !== undefined && order.indexOf(id) < order.indexOf(pick.from));
  const names = Object.keys(params);
  if (names.length) {
    out.push("Params:");
    for (const n of names) out.push(`  ${n}=${secrets.has(n) ? "***" : params[n]}`);
    out.push("");
  }
  if (plan.requires.length) out.push(`Requires on PATH: ${plan.requires.join(", ")}`, "");
  if (plan.checks.length) {
    out.push("Prerequisites (all must pass before any step runs):");
    plan.checks.forEach((c, i) => out.push(`  ${i + 1}. line ${c.line}${attrs(c)}`, indent(c.source)));
    out.push("");
  }
  out.push("Steps, in order:");
  plan.steps.forEach((s, i) => {
    if (assumed(s.id)) {
      out.push(`  ${i + 1}. ${s.id}: ${s.title}  [assumed done by the operator: not run, not rolled back]`);
      return;
    }
    const marks = [s.manual ? "manual" : "", s.confirm ? "confirm" : "", s.irreversible !== undefined ? `irreversible: ${s.irreversible}` : "", s.rollback ? "has rollback" : "", s.capture ? `captures $${s.capture}` : ""].filter(Boolean);
    out.push(`  ${i + 1}. ${s.id}: ${s.title}${marks.length ? `  [${marks.join("; ")}]` : ""}`);
    if (s.command) out.push(`     run${attrs(s.command)}:`, indent(s.command.source));
    if (s.verify) out.push(`     verify${attrs(s.verify)}:`, indent(s.verify.source));
    if (s.rollback) out.push(`     rollback${attrs(s.rollback)}:`, indent(s.rollback.source));
  });
  if (plan.rollback.length) {
    out.push("", "Runbook rollback (after the steps' own rollbacks):");
    plan.rollback.forEach((b, i) => out.push(`  ${i + 1}. line ${b.line}`, indent(b.source)));
  }
  return `${out.join("\n")}\n`;
}
