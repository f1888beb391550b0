import { pathToFileURL } from "node:url";
import type { Diagnostic } from "../diagnostic.js";
import type { Report } from "../findings-report.js";
import { PROJECT_URL, ruleUrl } from "../rule-url.js";
import { JSON_ITEMS, jsonAround, writeAll, type ReportWriter } from "./writer.js";

const level = (s: string) => (s === "error" ? "error" : "warning");

/** Relative paths as URI references (each segment percent-encoded), resolved against %SRCROOT%. */
function toUri(file: string): string {
  return file.split(/[\\/]/).map(encodeURIComponent).join("/");
}

function result(file: string, d: Diagnostic, ruleIndex: ReadonlyMap<string, number>) {
  const region: Record<string, number> = { startLine: d.line, startColumn: d.column };
  if (d.endLine !== undefined) region.endLine = d.endLine;
  if (d.endColumn !== undefined) region.endColumn = d.endColumn;
  const artifactLocation = { uri: toUri(file), uriBaseId: "%SRCROOT%" };
  return {
    ruleId: d.ruleId,
    ...(ruleIndex.has(d.ruleId) ? { ruleIndex: ruleIndex.get(d.ruleId) } : {}),
    level: level(d.severity),
    message: { text: d.message },
    locations: [{ physicalLocation: { artifactLocation, region } }],
    ...(d.related?.length
      ? { relatedLocations: d.related.map((r, id) => ({ id, message: { text: r.message }, physicalLocation: { artifactLocation: r.file ? { uri: toUri(r.file), uriBaseId: "%SRCROOT%" } : artifactLocation, region: { startLine: r.line, startColumn: r.column } } })) }
      : {}),
  };
}

/** SARIF 2.1.0, as code-scanning services accept it: one result per finding, across all files. */
export const sarifWriter: ReportWriter = (head) => {
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "runbook",
            version: head.toolVersion,
            informationUri: PROJECT_URL,
            rules: head.rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_, _d: string, ch: string) => ch.toUpperCase()),
              shortDescription: { text: r.description },
              helpUri: ruleUrl(r.id),
              defaultConfiguration: { level: level(r.severity) },
            })),
          },
        },
        ...(head.notices?.length ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: head.notices.map((text) => ({ level: "warning", message: { text } })) }] } : {}),
        originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(head.cwd.endsWith("/") ? head.cwd : `${head.cwd}/`).href } },
        results: JSON_ITEMS,
      },
    ],
  };
  const around = jsonAround(sarif);
  const ruleIndex = new Map(head.rules.map((r, i) => [r.id, i]));
  let written = 0;
  return {
    start: () => around.before,
    file: (f) => f.diagnostics.map((d) => around.item(result(f.file, d, ruleIndex), written++)).join(""),
    end: () => `${around.close(written)}${around.after}\n`,
  };
};

export function formatSarif(report: Report): string {
  return writeAll(sarifWriter, report);
}
