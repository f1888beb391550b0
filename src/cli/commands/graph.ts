import { formatStylish } from "../../check/formatters/stylish.js";
import { loadProjectConfig } from "../project-config.js";
import { readRunbook } from "../../system/read-runbook.js";
import { lintRunbook } from "../../check/lint-runbook.js";
import { splitByPlan } from "../../check/plan-findings.js";
import { RULE_INFO } from "../../check/registry.js";
import { graphDot, graphJson, graphMermaid } from "../../model/graph-formats.js";
import { buildStepGraph } from "../../model/step-graph.js";
import { EXIT, InputError } from "../../core/errors.js";
import { useColor, type Io } from "../io.js";
import { metadataWarnings } from "../metadata-errors.js";
import { VERSION } from "../version.js";

/**
 * Draws a runbook's step graph. A runbook with lint errors that change the graph (duplicate ids, an
 * unclosed fence, a cycle…) has no graph worth drawing: it would be a wrong picture, so the errors
 * are shown instead. Errors about metadata alone (an owner placeholder) are shown as warnings first.
 */
export default async function graph(io: Io, file: string, flags: { format: "mermaid" | "dot" | "json" }): Promise<number> {
  const { config } = await loadProjectConfig(io.cwd);
  const runbook = await readRunbook(file, io.cwd);
  const g = buildStepGraph(runbook);
  // Tools on PATH and staleness are about this machine and today, not about the graph's shape.
  const errors = lintRunbook(runbook, { severities: config.rules ?? {}, commandExists: () => true }).filter((d) => d.severity === "error");
  const { blocking, metadata } = splitByPlan(errors);
  if (blocking.length) {
    // All of them: the ones that would not stop the graph must be fixed before a run too.
    const details = formatStylish({ files: [{ file, diagnostics: errors }], rules: RULE_INFO, cwd: io.cwd, toolVersion: VERSION, color: useColor(io, io.stderr) });
    throw new InputError(`${file} has lint errors, so its graph would be wrong; fix them first`, { exitCode: EXIT.findings, details, hint: `See \`runbook lint ${file}\`.` });
  }
  io.stderr.write(metadataWarnings(io, file, metadata, "graph"));
  const out = flags.format === "json" ? `${JSON.stringify(graphJson(runbook, g), null, 2)}\n` : flags.format === "dot" ? graphDot(runbook, g) : graphMermaid(runbook, g);
  io.stdout.write(out);
  return EXIT.ok;
}
