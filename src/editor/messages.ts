import type { VFile } from "vfile";
import type { Diagnostic } from "../check/diagnostic.js";
import { ruleUrl } from "../check/rule-url.js";

/**
 * Lint findings as VFile messages, the shape every unified tool reports: remark-cli prints them,
 * unified-language-server publishes them to the editor (and turns `expected` into a quick fix).
 * Errors are `fatal: true`, warnings `fatal: false`, as vfile-reporter and the LSP map them.
 */
export function addMessages(file: VFile, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    const start = { line: d.line, column: d.column };
    const place = d.endLine !== undefined && d.endColumn !== undefined ? { start, end: { line: d.endLine, column: d.endColumn } } : start;
    const message = file.message(d.message, { place, ruleId: d.ruleId, source: "runbook" });
    message.fatal = d.severity === "error";
    message.url = ruleUrl(d.ruleId);
    if (d.expected) message.expected = [...d.expected];
    if (d.related?.length) message.note = d.related.map((r) => `${r.file ? `${r.file}:` : ""}${r.line}:${r.column}: ${r.message}`).join("\n");
  }
}
