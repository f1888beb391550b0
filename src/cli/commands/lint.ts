import path from "node:path";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { FileHistory } from "../../lint/define-rule.js";
import { FORMATTERS, type FormatName } from "../../diagnostics/formatters/index.js";
import type { FileReport } from "../../diagnostics/report.js";
import { commandLookup } from "../../files/command-exists.js";
import { collectFiles } from "../../files/collect.js";
import { loadConfig } from "../../files/config.js";
import { readRunbook } from "../../files/read-runbook.js";
import { lintRunbook } from "../../lint/lint.js";
import { lintProject } from "../../lint/project.js";
import { RULE_IDS, RULE_INFO } from "../../lint/registry.js";
import type { RuleSetting } from "../../lint/lint.js";
import { effectiveSeverities } from "../../lint/severities.js";
import { didYouMean } from "../../schema/suggest.js";
import type { Runbook } from "../../model/types.js";
import { EXIT, RunbookError, UsageError } from "../../errors.js";
import { useColor, type Io } from "../io.js";
import { parseDateFlag } from "../dates.js";
import { progress } from "../progress.js";
import { VERSION } from "../version.js";

interface LintFlags {
  format: FormatName;
  maxWarnings?: number;
  quiet?: boolean;
  config?: string;
  asOf?: string;
  rule?: string[];
}

export default async function lint(io: Io, paths: string[], flags: LintFlags): Promise<number> {
  const { config } = await loadConfig(io.cwd, flags.config);
  const severities = effectiveSeverities(config.rules, io.env, ruleFlags(flags.rule ?? []));
  const files = await collectFiles(paths.length ? paths : (config.runbooks ?? []), io.cwd);
  const today = parseDateFlag(flags.asOf, "--as-of") ?? new Date();
  const commandExists = commandLookup(io.env.PATH);

  const runbooks: Runbook[] = [];
  const unreadable: string[] = [];
  const bar = progress(io, "linting", files.length);
  await forEachLimit(files, 32, async (file) => {
    try {
      runbooks.push(await readRunbook(file, io.cwd));
    } catch (error) {
      // One file that breaks the tool must not hide the findings of every other file.
      if (error instanceof RunbookError) unreadable.push(error.message);
      else unreadable.push(`internal error while reading ${file}: ${error instanceof Error ? error.message : String(error)}; please report it`);
    }
    bar.tick();
  });
  bar.done();
  runbooks.sort((a, b) => a.file.localeCompare(b.file));

  const histories = await historiesFor(runbooks, io.cwd);
  const byFile = new Map<string, Diagnostic[]>(
    runbooks.map((r) => [r.file, lintRunbook(r, { severities, commandExists, today, defaultReviewEvery: config.review_every, history: histories.get(r.file) })]),
  );
  for (const d of lintProject(runbooks, severities)) byFile.get(d.file)?.push(d);
  const reports: FileReport[] = runbooks.map((r) => {
    const all = byFile.get(r.file) ?? [];
    return { file: r.file, diagnostics: flags.quiet ? all.filter((d) => d.severity === "error") : all };
  });

  // Nothing read at all: "0 runbooks checked, no problems" would only mislead.
  if (runbooks.length || !unreadable.length) io.stdout.write(FORMATTERS[flags.format]({ files: reports, rules: RULE_INFO, cwd: io.cwd, toolVersion: VERSION, color: useColor(io, io.stdout) }));
  for (const message of unreadable) io.stderr.write(`runbook: ${message}\n`);
  if (unreadable.length) return EXIT.usage;

  const all = reports.flatMap((r) => r.diagnostics);
  const errors = all.filter((d) => d.severity === "error").length;
  const warnings = all.length - errors;
  if (errors) return EXIT.findings;
  if (flags.maxWarnings !== undefined && warnings > flags.maxWarnings) {
    io.stderr.write(`runbook: ${warnings} warnings is more than --max-warnings ${flags.maxWarnings}\n`);
    return EXIT.findings;
  }
  return EXIT.ok;
}

/** `--rule stale-overdue=off` → { "stale-overdue": "off" }; a bad one is a usage error. */
function ruleFlags(values: readonly string[]): Record<string, RuleSetting> {
  const out: Record<string, RuleSetting> = {};
  for (const v of values) {
    const m = /^([a-z0-9-]+)=(error|warning|off)$/.exec(v);
    if (!m) throw new UsageError(`Invalid --rule \`${v}\`: expected <rule-id>=error|warning|off`);
    const [, id = "", setting] = m;
    if (!RULE_IDS.includes(id)) throw new UsageError(`Unknown rule \`${id}\` in --rule${didYouMean(id, RULE_IDS)}`);
    out[id] = setting as RuleSetting;
  }
  return out;
}

/** Git is asked only when some runbook records the commit it was verified at. */
async function historiesFor(runbooks: readonly Runbook[], cwd: string): Promise<Map<string, FileHistory>> {
  const verified = runbooks.filter((r) => typeof (r.frontmatter?.data as Record<string, unknown> | undefined)?.verified_commit === "string");
  if (verified.length === 0) return new Map();
  // Loaded only when needed: git and process spawning are not what a plain lint should pay for.
  const [{ readRepoHistory }, { stepsHistory }] = await Promise.all([import("../../git/history.js"), import("../../verify/file-history.js")]);
  const repo = await readRepoHistory(cwd);
  return repo ? stepsHistory(repo, verified.map((r) => ({ runbook: r, absoluteFile: path.resolve(cwd, r.file) }))) : new Map();
}

async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
