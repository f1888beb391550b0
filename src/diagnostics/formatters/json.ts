import { countBySeverity, type Report } from "../report.js";

/** Machine-readable: one entry per file, with counts, and a summary. Stable key order. */
export function formatJson(report: Report): string {
  const files = report.files.map((f) => ({
    file: f.file,
    errorCount: f.diagnostics.filter((d) => d.severity === "error").length,
    warningCount: f.diagnostics.filter((d) => d.severity === "warning").length,
    diagnostics: f.diagnostics,
  }));
  const { errors, warnings } = countBySeverity(report.files);
  return `${JSON.stringify({ files, summary: { files: files.length, errors, warnings } }, null, 2)}\n`;
}
