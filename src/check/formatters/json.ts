import type { FileReport, Report } from "../findings-report.js";
import { JSON_ITEMS, jsonAround, writeAll, type ReportWriter } from "./writer.js";

const entry = (f: FileReport) => ({
  file: f.file,
  errorCount: f.diagnostics.filter((d) => d.severity === "error").length,
  warningCount: f.diagnostics.filter((d) => d.severity === "warning").length,
  diagnostics: f.diagnostics,
});

const FILES = jsonAround({ files: JSON_ITEMS });

/** Machine-readable: one entry per file, with counts, and a summary. Stable key order. */
export const jsonWriter: ReportWriter = () => {
  let index = 0;
  return {
    start: () => FILES.before,
    file: (f) => FILES.item(entry(f), index++),
    end: ({ files, errors, warnings }) => {
      const around = jsonAround({ files: JSON_ITEMS, summary: { files, errors, warnings } });
      return `${around.close(files)}${around.after}\n`;
    },
  };
};

export function formatJson(report: Report): string {
  return writeAll(jsonWriter, report);
}
