import { readRunbook } from "../../files/read-runbook.js";
import { graphDot, graphJson, graphMermaid } from "../../model/graph-formats.js";
import { buildStepGraph } from "../../model/graph.js";
import { EXIT, InputError } from "../../errors.js";
import type { Io } from "../io.js";

export default async function graph(io: Io, file: string, flags: { format: "mermaid" | "dot" | "json" }): Promise<number> {
  const runbook = await readRunbook(file, io.cwd);
  if (runbook.steps.length === 0) {
    const why = runbook.problems[0]?.message ?? "no `###` steps under `## Steps`";
    throw new InputError(`${file} has no steps to draw (${why})`, { exitCode: EXIT.findings, hint: `See \`runbook lint ${file}\`.` });
  }
  const g = buildStepGraph(runbook);
  const out = flags.format === "json" ? `${JSON.stringify(graphJson(runbook, g), null, 2)}\n` : flags.format === "dot" ? graphDot(runbook, g) : graphMermaid(runbook, g);
  io.stdout.write(out);
  for (const c of g.cycles) io.stderr.write(`runbook: ${file}:${c[0]?.span.start.line ?? 1}: steps form a cycle: ${[...c, c[0]].map((s) => s?.id).join(" → ")}\n`);
  for (const u of g.unknownNeeds) io.stderr.write(`runbook: ${file}:${u.step.span.start.line}: step \`${u.step.id}\` needs unknown step \`${u.need}\`\n`);
  return g.cycles.length || g.unknownNeeds.length ? EXIT.findings : EXIT.ok;
}
