import type { FileReport, Report } from "../findings-report.js";

/** Everything a report holds but its files. */
export type ReportHead = Omit<Report, "files">;

export interface ReportTotals {
  readonly files: number;
  readonly errors: number;
  readonly warnings: number;
}

/**
 * A format written a file at a time, so that linting ten thousand files never holds all their
 * findings: the text before the first file, each file's text in order, and the text after the last
 * one. One writer per report; `writeAll` joins the pieces into the whole report's text.
 */
export type ReportWriter = (head: ReportHead) => {
  start(): string;
  file(file: FileReport): string;
  end(totals: ReportTotals): string;
};

export function writeAll(writer: ReportWriter, report: Report): string {
  let errors = 0;
  for (const f of report.files) for (const d of f.diagnostics) if (d.severity === "error") errors++;
  const warnings = report.files.reduce((n, f) => n + f.diagnostics.length, 0) - errors;
  const w = writer(report);
  return w.start() + report.files.map((f) => w.file(f)).join("") + w.end({ files: report.files.length, errors, warnings });
}

const MARK = "\u0000items\u0000";

/**
 * `JSON.stringify(value, null, 2)` of an object with one array written item by item: the text up to
 * the array, each item as it appears inside it, and the text after it. The array's place in `value`
 * holds the string `JSON_ITEMS`.
 */
export function jsonAround(value: unknown): { before: string; item: (x: unknown, index: number) => string; close: (count: number) => string; after: string } {
  const whole = JSON.stringify(value, null, 2);
  const at = whole.indexOf(JSON.stringify(MARK));
  // Items sit one level deeper than the line holding the array's key.
  const pad = `${/^ */.exec(whole.slice(whole.lastIndexOf("\n", at) + 1))![0]}  `;
  return {
    before: `${whole.slice(0, at)}[`,
    item: (x, index) => `${index ? "," : ""}\n${pad}${JSON.stringify(x, null, 2).split("\n").join(`\n${pad}`)}`,
    close: (count) => (count ? `\n${pad.slice(2)}]` : "]"),
    after: whole.slice(at + JSON.stringify(MARK).length),
  };
}

export const JSON_ITEMS = MARK;
