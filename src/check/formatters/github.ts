import type { Report } from "../findings-report.js";
import { writeAll, type ReportWriter } from "./writer.js";

// Workflow commands: data escapes %, CR, LF; property values also escape `:` and `,`.
const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** GitHub Actions annotations: `::error file=…,line=…,col=…,title=rule::message`. */
export const githubWriter: ReportWriter = (head) => ({
  start: () => (head.notices ?? []).map((n) => `::warning title=runbook::${escapeData(n)}\n`).join(""),
  file: (f) => {
    let out = "";
    for (const d of f.diagnostics) {
      const props = [`file=${escapeProperty(f.file)}`, `line=${d.line}`, `col=${d.column}`];
      if (d.endLine !== undefined) props.push(`endLine=${d.endLine}`);
      if (d.endColumn !== undefined && d.endLine === d.line) props.push(`endColumn=${d.endColumn}`);
      props.push(`title=${escapeProperty(`runbook ${d.ruleId}`)}`);
      out += `::${d.severity === "error" ? "error" : "warning"} ${props.join(",")}::${escapeData(d.message)}\n`;
    }
    return out;
  },
  end: () => "",
});

export function formatGithub(report: Report): string {
  return writeAll(githubWriter, report);
}
