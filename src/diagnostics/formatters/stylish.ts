import { createColors } from "picocolors";
import { countBySeverity, type Report } from "../report.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Human-readable: grouped by file, `line:col  severity  message  rule-id`, like ESLint's. */
export function formatStylish(report: Report): string {
  const c = createColors(report.color);
  const out: string[] = [];
  for (const f of report.files) {
    if (f.diagnostics.length === 0) continue;
    out.push(c.underline(f.file));
    const rows = f.diagnostics.map((d) => [`${d.line}:${d.column}`, d.severity, d.message, d.ruleId] as const);
    const w0 = rows.reduce((w, r) => Math.max(w, r[0].length), 0);
    const w1 = rows.reduce((w, r) => Math.max(w, r[1].length), 0);
    for (const [pos, sev, msg, rule] of rows) {
      const sevText = sev === "error" ? c.red(sev.padEnd(w1)) : c.yellow(sev.padEnd(w1));
      out.push(`  ${c.dim(pos.padEnd(w0))}  ${sevText}  ${msg}  ${c.dim(rule)}`);
    }
    out.push("");
  }
  const { errors, warnings } = countBySeverity(report.files);
  if (errors + warnings === 0) return `${c.green("✔")} ${plural(report.files.length, "runbook")} checked, no problems\n`;
  const summary = `✖ ${plural(errors + warnings, "problem")} (${plural(errors, "error")}, ${plural(warnings, "warning")}) in ${plural(report.files.length, "runbook")}`;
  out.push(errors ? c.red(c.bold(summary)) : c.yellow(c.bold(summary)));
  return `${out.join("\n")}\n`;
}
