import { createColors } from "picocolors";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { formatGithub } from "../../diagnostics/formatters/github.js";
import { loadConfig } from "../../files/config.js";
import { RULE_INFO } from "../../lint/registry.js";
import type { Runbook } from "../../model/types.js";
import { assessRunbooks } from "../../verify/assess.js";
import type { Staleness } from "../../verify/staleness.js";
import { isoDate, parseDateFlag } from "../dates.js";
import { progress } from "../progress.js";
import { EXIT } from "../../errors.js";
import { useColor, type Io } from "../io.js";
import { VERSION } from "../version.js";

const RULE_FOR = { "never-verified": "stale-never-verified", overdue: "stale-overdue", changed: "stale-changed" } as const;

/** Lists runbooks that are never verified, overdue, or changed since verified. Exit 1 if any. */
export default async function stale(io: Io, paths: string[], flags: { asOf?: string; format: "stylish" | "json" | "github"; config?: string }): Promise<number> {
  const { config } = await loadConfig(io.cwd, flags.config);
  const today = parseDateFlag(flags.asOf, "--as-of") ?? new Date();
  const wanted = paths.length ? paths : (config.runbooks ?? []);
  const { runbooks: results, repo } = await assessRunbooks({ cwd: io.cwd, paths: wanted, today, reviewEvery: config.review_every, progress: (n) => progress(io, "reading", n) });
  if (!repo) io.stderr.write("runbook: not in a git repository: the check for steps changed since verification is skipped\n");
  const staleOnes = results.filter((r) => r.staleness.findings.length > 0);

  if (flags.format === "json") {
    io.stdout.write(`${JSON.stringify({ asOf: isoDate(today), gitChecked: repo !== undefined, runbooks: results.map(toJson), summary: { runbooks: results.length, stale: staleOnes.length } }, null, 2)}\n`);
  } else if (flags.format === "github") {
    io.stdout.write(formatGithub({ files: staleOnes.map(({ runbook, staleness }) => ({ file: runbook.file, diagnostics: toDiagnostics(runbook, staleness, config.rules ?? {}) })), rules: RULE_INFO, cwd: io.cwd, toolVersion: VERSION, color: false }));
  } else {
    io.stdout.write(stylish(results, staleOnes.length, today, useColor(io, io.stdout)));
  }
  return staleOnes.length ? EXIT.findings : EXIT.ok;
}

function toJson({ runbook, staleness }: { runbook: Runbook; staleness: Staleness }) {
  return {
    file: runbook.file,
    id: runbook.meta?.id ?? null,
    stale: staleness.findings.length > 0,
    lastVerified: staleness.lastVerified ?? null,
    due: staleness.due ?? null,
    findings: staleness.findings.map((f) => ({ kind: f.kind, message: f.message, line: f.place.line, column: f.place.column })),
  };
}

function toDiagnostics(runbook: Runbook, s: Staleness, rules: Record<string, string>): Diagnostic[] {
  return s.findings.map((f) => ({
    file: runbook.file,
    line: f.place.line,
    column: f.place.column,
    severity: rules[RULE_FOR[f.kind]] === "error" ? "error" : "warning",
    ruleId: RULE_FOR[f.kind],
    message: f.message,
  }));
}

function stylish(results: Array<{ runbook: Runbook; staleness: Staleness }>, staleCount: number, today: Date, color: boolean): string {
  const c = createColors(color);
  const out: string[] = [];
  for (const { runbook, staleness } of results) {
    for (const f of staleness.findings) out.push(`${c.underline(runbook.file)}:${f.place.line}:${f.place.column}  ${c.yellow(f.kind.padEnd(14))}  ${f.message}`);
  }
  out.push(
    staleCount
      ? c.yellow(c.bold(`✖ ${staleCount} of ${results.length} runbook${results.length === 1 ? "" : "s"} stale as of ${isoDate(today)}`))
      : c.green(`✔ ${results.length} runbook${results.length === 1 ? "" : "s"} fresh as of ${isoDate(today)}`),
  );
  return `${out.join("\n")}\n`;
}
