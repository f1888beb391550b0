import path from "node:path";
import type { Diagnostic } from "../../check/diagnostic.js";
import { WRITERS, type FormatName } from "../../check/formatters/by-name.js";
import type { RuleInfo } from "../../check/findings-report.js";
import { commandLookup } from "../../system/command-exists.js";
import { collectFiles } from "../../system/collect.js";
import { loadProjectConfig } from "../project-config.js";
import { readBytes } from "../../system/read-bytes.js";
import type { RuleSetting } from "../../check/lint-runbook.js";
import { projectChecker } from "../../check/project.js";
import { effectiveSeverities } from "../../check/severities.js";
import { createExecutor } from "../../check/batch/executor.js";
import { historyAnswers } from "../../check/batch/history-answers.js";
import { inOrder } from "../../check/batch/in-order.js";
import { cacheLocation, cacheSalt, depsHold, LintCache } from "../../check/batch/lint-cache.js";
import type { JobSettings, LintOutcome } from "../../check/batch/protocol.js";
import { EXIT, RunbookError, UsageError } from "../../core/errors.js";
import { bufferedOutput } from "../buffered-output.js";
import { useColor, type Io } from "../io.js";
import { isoDate, parseDateFlag } from "../dates.js";
import { progress } from "../progress.js";
import { VERSION } from "../version.js";
import { shallowCloneNotice } from "../../check/shallow-clone.js";

interface LintFlags {
  format: FormatName;
  maxWarnings?: number;
  quiet?: boolean;
  config?: string;
  asOf?: string;
  rule?: string[];
  /** False with `--no-cache`. */
  cache?: boolean;
  cacheLocation?: string;
}

/** Files read ahead of the one being reported: enough to keep every worker busy, few enough to hold. */
const WINDOW = 64;

/**
 * Lints files as a stream: each is read, looked up in the cache or linted (on worker threads when
 * there are many), and reported in order as soon as the files before it are, so memory holds a
 * window of files, never all of them.
 */
export default async function lint(io: Io, paths: string[], flags: LintFlags): Promise<number> {
  const { config, root } = await loadProjectConfig(io.cwd, flags.config);
  const severities = effectiveSeverities(config.rules, io.env, await ruleFlags(flags.rule ?? []));
  const files = (await collectFiles(paths.length ? paths : (config.runbooks ?? []), io.cwd)).sort((a, b) => a.localeCompare(b));
  const today = isoDate(parseDateFlag(flags.asOf, "--as-of") ?? new Date());
  const settings: JobSettings = { severities, defaultReviewEvery: config.review_every, today, path: io.env.PATH };
  const absolute = (file: string) => path.resolve(io.cwd, file);

  const cache = flags.cache === false ? undefined : await LintCache.open(cacheLocation({ location: flags.cacheLocation, cwd: io.cwd, env: io.env, root, stateDir: config.state_dir }), root, cacheSalt(VERSION, { rules: severities, review_every: config.review_every }));
  const answers = historyAnswers(io.cwd, files.map(absolute));
  const executor = createExecutor({ settings, answers, env: io.env });
  const now = { today, commandExists: commandLookup(io.env.PATH), historyDigest: async (file: string, commit: string) => (await answers.plan(file, commit)).digest };

  /** A file's result: from the cache when it holds one that still holds, else linted now. */
  const outcomeOf = async (file: string): Promise<LintOutcome | { unreadable: string }> => {
    let bytes: Buffer;
    try {
      bytes = await readBytes(file, io.cwd);
    } catch (error) {
      if (error instanceof RunbookError) return { unreadable: error.message };
      throw error;
    }
    const abs = absolute(file);
    const rel = cache?.relative(abs);
    const key = cache?.keyOf(file, bytes);
    if (cache && rel !== undefined && key !== undefined) {
      const hit = cache.get(rel, key);
      if (hit && (await depsHold(hit.deps, { ...now, historyDigest: (commit) => now.historyDigest(abs, commit) }))) return hit;
    }
    let outcome: LintOutcome;
    try {
      outcome = (await executor.run({ kind: "lint", file, absolute: abs, text: bytes.toString("utf8") })) as LintOutcome;
    } catch (error) {
      // One file that breaks the tool must not hide the findings of every other file.
      const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
      return { unreadable: `internal error while reading ${file}: ${message}; please report it` };
    }
    if (cache && rel !== undefined && key !== undefined) cache.set(rel, key, outcome);
    return outcome;
  };

  // Rule descriptions are only in SARIF, and loading them means loading every rule.
  const rules: readonly RuleInfo[] = flags.format === "sarif" ? (await import("../../check/registry.js")).RULE_INFO : [];
  const writer = WRITERS[flags.format]({ rules, cwd: io.cwd, toolVersion: VERSION, color: useColor(io, io.stdout) });
  const bar = progress(io, "linting", files.length);
  const out = bufferedOutput(io.stdout, () => bar.clear());
  const checkIds = projectChecker(settings.severities);
  const unreadable: string[] = [];
  const totals = { files: 0, errors: 0, warnings: 0 };
  let beyondShallow = 0;
  try {
    await inOrder(files, WINDOW, outcomeOf, (outcome, file) => {
      bar.tick();
      if ("unreadable" in outcome) return void unreadable.push(outcome.unreadable);
      if (outcome.beyondShallow) beyondShallow++;
      const diagnostics: Diagnostic[] = outcome.diagnostics.map((d) => ({ file, ...d }));
      const duplicate = checkIds(outcome.id && { file, ...outcome.id });
      if (duplicate) diagnostics.push(duplicate);
      const shown = flags.quiet ? diagnostics.filter((d) => d.severity === "error") : diagnostics;
      // Nothing read at all: "0 runbooks checked, no problems" would only mislead.
      if (totals.files++ === 0) out.write(writer.start());
      for (const d of shown) totals[d.severity === "error" ? "errors" : "warnings"]++;
      out.write(writer.file({ file, diagnostics: shown }));
    });
  } finally {
    answers.close();
    await executor.close();
  }
  if (totals.files) out.write(writer.end(totals));
  out.flush();
  bar.done();
  await cache?.save();

  for (const message of unreadable) io.stderr.write(`runbook: ${message}\n`);
  // Once, not a `stale-changed` per runbook: CI checks out one commit unless told otherwise.
  if (beyondShallow && settings.severities["stale-changed"] !== "off") io.stderr.write(`runbook: ${shallowCloneNotice(beyondShallow)}\n`);
  if (unreadable.length) return EXIT.usage;
  if (totals.errors) return EXIT.findings;
  if (flags.maxWarnings !== undefined && totals.warnings > flags.maxWarnings) {
    io.stderr.write(`runbook: ${totals.warnings} warnings is more than --max-warnings ${flags.maxWarnings}\n`);
    return EXIT.findings;
  }
  return EXIT.ok;
}

/** `--rule stale-overdue=off` → { "stale-overdue": "off" }; a bad one is a usage error. */
async function ruleFlags(values: readonly string[]): Promise<Record<string, RuleSetting>> {
  const out: Record<string, RuleSetting> = {};
  if (values.length === 0) return out;
  // The rule ids mean loading every rule: only when a flag names one.
  const [{ RULE_IDS }, { nearestOrChoices }] = await Promise.all([import("../../check/registry.js"), import("../../model/suggest.js")]);
  for (const v of values) {
    const m = /^([a-z0-9-]+)=(error|warning|off)$/.exec(v);
    if (!m) throw new UsageError(`Invalid --rule \`${v}\`: expected <rule-id>=error|warning|off`);
    const [, id = "", setting] = m;
    if (!RULE_IDS.includes(id)) throw new UsageError(`Unknown rule \`${id}\` in --rule${nearestOrChoices(id, RULE_IDS)}`);
    out[id] = setting as RuleSetting;
  }
  return out;
}
