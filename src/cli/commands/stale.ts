import { createColors } from "picocolors";
import type { Diagnostic } from "../../check/diagnostic.js";
import { formatGithub } from "../../check/formatters/github.js";
import { formatSarif } from "../../check/formatters/sarif.js";
import type { Report } from "../../check/findings-report.js";
import { shallowCloneNotice } from "../../check/shallow-clone.js";
import { loadProjectConfig } from "../project-config.js";
import type { StaleOutcome } from "../../check/batch/protocol.js";
import { assessRunbooks } from "../../check/assess.js";
import { isoDate, parseDateFlag } from "../dates.js";
import { progress } from "../progress.js";
import { EXIT } from "../../core/errors.js";
import { useColor, type Io } from "../io.js";
import { VERSION } from "../version.js";
import { lastDrillsIn } from "../last-drills.js";
import { lastDrillText, type LastDrill } from "../../report/last-drill.js";

const RULE_FOR = { "never-verified": "stale-never-verified", overdue: "stale-overdue", changed: "stale-changed" } as const;
const STALE_RULES: readonly string[] = Object.values(RULE_FOR);

/** Lists runbooks that are never verified, overdue, or changed since verified. Exit 1 if any. */
export default async function stale(io: Io, paths: string[], flags: { asOf?: string; format: "stylish" | "json" | "github" | "sarif"; config?: string }): Promise<number> {
  const loaded = await loadProjectConfig(io.cwd, flags.config);
  const { config } = loaded;
  const today = parseDateFlag(flags.asOf, "--as-of") ?? new Date();
  const wanted = paths.length ? paths : (config.runbooks ?? []);
  const { runbooks: results, gitChecked } = await assessRunbooks({ cwd: io.cwd, paths: wanted, today, reviewEvery: config.review_every, env: io.env, progress: (n) => progress(io, "reading", n) });
  if (!gitChecked) io.stderr.write("runbook: not in a git repository: the check for steps changed since verification is skipped\n");
  const staleOnes = results.filter((r) => r.staleness.findings.length > 0);
  const drills = lastDrillsIn(io, loaded);
  const drillOf = (r: Result) => (r.staleness.id ? drills.get(r.staleness.id) : undefined);
  const beyondShallow = results.filter((r) => r.staleness.beyondShallow).length;
  const notices = beyondShallow ? [shallowCloneNotice(beyondShallow)] : [];

  if (flags.format === "json") {
    const shallow = beyondShallow ? { shallowClone: { runbooks: beyondShallow, notice: notices[0] } } : {};
    io.stdout.write(`${JSON.stringify({ asOf: isoDate(today), gitChecked, ...shallow, runbooks: results.map((r) => toJson(r, drillOf(r))), summary: { runbooks: results.length, stale: staleOnes.length } }, null, 2)}\n`);
  } else if (flags.format === "github" || flags.format === "sarif") {
    // SARIF carries the descriptions of the three stale rules; loading them means loading every rule.
    const rules = flags.format === "sarif" ? (await import("../../check/registry.js")).RULE_INFO.filter((r) => STALE_RULES.includes(r.id)) : [];
    const report: Report = { files: staleOnes.map((r) => ({ file: r.file, diagnostics: toDiagnostics(r, config.rules ?? {}) })), rules, cwd: io.cwd, toolVersion: VERSION, color: false, notices };
    io.stdout.write(flags.format === "sarif" ? formatSarif(report) : formatGithub(report));
  } else {
    io.stdout.write(stylish(results, staleOnes.length, today, useColor(io, io.stdout), drillOf));
  }
  // Beside the report (the GitHub and SARIF ones carry it too): said once, whatever the number of runbooks.
  for (const notice of notices) io.stderr.write(`runbook: ${notice}\n`);
  return staleOnes.length ? EXIT.findings : EXIT.ok;
}

interface Result {
  readonly file: string;
  readonly staleness: StaleOutcome;
}

function toJson({ file, staleness }: Result, lastDrill: LastDrill | undefined) {
  return {
    file,
    id: staleness.id,
    stale: staleness.findings.length > 0,
    lastVerified: staleness.lastVerified,
    ...(lastDrill ? { lastDrill } : {}),
    due: staleness.due,
    findings: staleness.findings,
  };
}

function toDiagnostics({ file, staleness }: Result, rules: Record<string, string>): Diagnostic[] {
  return staleness.findings.map((f) => ({
    file,
    line: f.line,
    column: f.column,
    severity: rules[RULE_FOR[f.kind]] === "error" ? "error" : "warning",
    ruleId: RULE_FOR[f.kind],
    message: f.message,
  }));
}

function stylish(results: readonly Result[], staleCount: number, today: Date, color: boolean, drillOf: (r: Result) => LastDrill | undefined): string {
  const c = createColors(color);
  const out: string[] = [];
  for (const r of results) {
    const { file, staleness } = r;
    for (const f of staleness.findings) out.push(`${c.underline(file)}:${f.line}:${f.column}  ${c.yellow(f.kind.padEnd(14))}  ${f.message}`);
    // The last drill beside the last verification: a verification says the steps worked once; a failed drill says they no longer do.
    const d = drillOf(r);
    if (d) out.push(`${c.underline(file)}  ${(d.outcome === "failed" ? c.red : c.dim)("last drill".padEnd(14))}  ${lastDrillText(d)}; last verified ${staleness.lastVerified ?? "never"}`);
  }
  out.push(
    staleCount
      ? c.yellow(c.bold(`✖ ${staleCount} of ${results.length} runbook${results.length === 1 ? "" : "s"} stale as of ${isoDate(today)}`))
      : c.green(`✔ ${results.length} runbook${results.length === 1 ? "" : "s"} fresh as of ${isoDate(today)}`),
  );
  return `${out.join("\n")}\n`;
}
