import type { Diagnostic } from "../check/diagnostic.js";
import { stylishWriter } from "../check/formatters/stylish.js";
import { RULE_INFO } from "../check/registry.js";
import { useColor, type Io } from "./io.js";
import { VERSION } from "./version.js";

/**
 * Errors that leave the graph or the plan right (an owner placeholder, a runbook overdue for review
 * set to error), as `graph` and `run --dry-run` show them: as warnings, before their output, with
 * the reminder that `run` still refuses them. Empty when there are none.
 */
export function metadataWarnings(io: Io, file: string, errors: readonly Diagnostic[], what: "graph" | "plan"): string {
  if (errors.length === 0) return "";
  const diagnostics = errors.map((d) => ({ ...d, severity: "warning" as const }));
  // The rows without stylish's summary, which would count them as warnings: "nothing to fix".
  const listed = stylishWriter({ rules: RULE_INFO, cwd: io.cwd, toolVersion: VERSION, color: useColor(io, io.stderr) }).file({ file, diagnostics });
  const n = errors.length === 1 ? "1 error that does not change the" : `${errors.length} errors that do not change the`;
  return `${listed}runbook: ${file} has ${n} ${what}, shown above as ${errors.length === 1 ? "a warning" : "warnings"}; \`runbook run\` refuses to start until ${errors.length === 1 ? "it is" : "they are"} fixed\n\n`;
}
