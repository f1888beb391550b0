import { pathToFileURL } from "node:url";
import type { Report } from "../report.js";
import { PROJECT_URL, ruleUrl } from "../rule-url.js";

const level = (s: string) => (s === "error" ? "error" : "warning");

/** Relative paths as URI references (each segment percent-encoded), resolved against %SRCROOT%. */
function toUri(file: string): string {
  return file.split(/[\\/]/).map(encodeURIComponent).join("/");
}

/** SARIF 2.1.0, as code-scanning services accept it. */
export function formatSarif(report: Report): string {
  const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
  const results = report.files.flatMap((f) =>
    f.diagnostics.map((d) => {
      const region: Record<string, number> = { startLine: d.line, startColumn: d.column };
      if (d.endLine !== undefined) region.endLine = d.endLine;
      if (d.endColumn !== undefined) region.endColumn = d.endColumn;
      const artifactLocation = { uri: toUri(f.file), uriBaseId: "%SRCROOT%" };
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
    }),
  );
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "runbook",
            version: report.toolVersion,
            informationUri: PROJECT_URL,
            rules: report.rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_, _d: string, ch: string) => ch.toUpperCase()),
              shortDescription: { text: r.description },
              helpUri: ruleUrl(r.id),
              defaultConfiguration: { level: level(r.severity) },
            })),
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(report.cwd.endsWith("/") ? report.cwd : `${report.cwd}/`).href } },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
