import type { Report } from "../report.js";

// Workflow commands: data escapes %, CR, LF; property values also escape `:` and `,`.
const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** GitHub Actions annotations: `::error file=…,line=…,col=…,title=rule::message`. */
export function formatGithub(report: Report): string {
  const lines: string[] = [];
  for (const f of report.files) {
    for (const d of f.diagnostics) {
      const props = [`file=${escapeProperty(f.file)}`, `line=${d.line}`, `col=${d.column}`];
      if (d.endLine !== undefined) props.push(`endLine=${d.endLine}`);
      if (d.endColumn !== undefined && d.endLine === d.line) props.push(`endColumn=${d.endColumn}`);
      props.push(`title=${escapeProperty(`runbook ${d.ruleId}`)}`);
      lines.push(`::${d.severity === "error" ? "error" : "warning"} ${props.join(",")}::${escapeData(d.message)}`);
    }
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}
