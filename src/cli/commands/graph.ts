import { formatStylish } from "../../diagnostics/formatters/stylish.js";
import { loadConfig } from "../../files/config.js";
import { readRunbook } from "../../files/read-runbook.js";
import { lintRunbook } from "../../lint/lint.js";
import { RULE_INFO } from "../../lint/registry.js";
import { graphDot, graphJson, graphMermaid } from "../../model/graph-formats.js";
import { buildStepGraph } from "../../model/graph.js";
import { EXIT, InputError } from "../../errors.js";
import { useColor, type Io } from "../io.js";
import { VERSION } from "../version.js";

/**
 * Draws a runbook's step graph. A runbook with lint errors (duplicate ids, an unclosed fence, a
 * cycle…) has no graph worth drawing: it would be a wrong picture, so the errors are shown instead.
 */
export default async function graph(io: Io, file: string, flags: { format: "mermaid" | "dot" | "json" }): Promise<number> {
  const { config } = await loadConfig(io.cwd);
  const runbook = await readRunbook(file, io.cwd);
  const g = buildStepGraph(runbook);
  // Tools on PATH and staleness are about this machine and today, not about the graph's shape.
  const errors = lintRunbook(runbook, { severities: config.rules ?? {}, commandExists: () => true }).filter((d) => d.severity === "error");
  if (errors.length) {
    const details = formatStylish({ files: [{ file, diagnostics: errors }], rules: RULE_INFO, cwd: io.cwd, toolVersion: VERSION, color: useColor(io, io.stderr) });
    throw new InputError(`${file} has lint errors, so its graph would be wrong; fix them first`, { exitCode: EXIT.findings, details, hint: `See \`runbook lint ${file}\`.` });
  }
  const out = flags.format === "json" ? `${JSON.stringify(graphJson(runbook, g), null, 2)}\n` : flags.format === "dot" ? graphDot(runbook, g) : graphMermaid(runbook, g);
  io.stdout.write(out);
  return EXIT.ok;
}
