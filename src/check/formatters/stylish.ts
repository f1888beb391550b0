import { createColors } from "picocolors";
import type { Report } from "../findings-report.js";
import { writeAll, type ReportWriter } from "./writer.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Human-readable: grouped by file, `line:col  severity  message  rule-id`, like ESLint's. */
export const stylishWriter: ReportWriter = (head) => {
  const c = createColors(head.color);
  return {
    start: () => "",
    file: (f) => {
      if (f.diagnostics.length === 0) return "";
      const rows = f.diagnostics.map((d) => [`${d.line}:${d.column}`, d.severity, d.message, d.ruleId] as const);
      const w0 = rows.reduce((w, r) => Math.max(w, r[0].length), 0);
      const w1 = rows.reduce((w, r) => Math.max(w, r[1].length), 0);
      let out = `${c.underline(f.file)}\n`;
      for (const [pos, sev, msg, rule] of rows) {
        const sevText = sev === "error" ? c.red(sev.padEnd(w1)) : c.yellow(sev.padEnd(w1));
        out += `  ${c.dim(pos.padEnd(w0))}  ${sevText}  ${msg}  ${c.dim(rule)}\n`;
      }
      return `${out}\n`;
    },
    end: ({ files, errors, warnings }) => {
      if (errors + warnings === 0) return `${c.green("✔")} ${plural(files, "runbook")} checked, no problems\n`;
      const summary = `✖ ${plural(errors + warnings, "problem")} (${plural(errors, "error")}, ${plural(warnings, "warning")}) in ${plural(files, "runbook")}`;
      return `${errors ? c.red(c.bold(summary)) : c.yellow(c.bold(summary))}\n`;
    },
  };
};

export function formatStylish(report: Report): string {
  return writeAll(stylishWriter, report);
}
