import { WRITERS, type FormatName } from "../formatters/by-name.js";
import type { ReportTotals } from "../formatters/writer.js";
import type { RuleInfo } from "../findings-report.js";
import type { RuleSetting } from "../lint-runbook.js";
import { effectiveSeverities } from "../severities.js";
import { shallowCloneNotice } from "../shallow-clone.js";
import { cacheLocation, cacheSalt, LintCache } from "../batch/lint-cache.js";
import type { JobSettings } from "../batch/protocol.js";
import type { LoadedConfig } from "../../system/config-file.js";
import { collect } from "./collect.js";
import { reportStage } from "./report.js";
import { lintFiles } from "./run.js";

/**
 * The one check pipeline, in stages: collect → read → parse → cache → rules → project checks →
 * report (unified-engine's file pipeline). Every entry point assembles the same stages:
 * - `lintCommand`: `runbook lint`, all of them;
 * - `assessRunbooks` (assess.ts): `stale`, `verify`'s assessment and `handoff`: read → parse → the
 *   staleness rules (pipeline/run.ts `staleFiles`);
 * - `lintText`: the remark plugin and the language server: parse (the tree they already have) → rules.
 */
export { collect } from "./collect.js";
export { readSource } from "./read.js";
export { parseSource } from "./parse.js";
export { lintFiles, staleFiles } from "./run.js";
export { lintText } from "./lint-text.js";

export interface LintResult {
  readonly totals: ReportTotals;
  /** Why files could not be read, one line each, for stderr. */
  readonly unreadable: readonly string[];
  /** What the run as a whole has to say (a shallow clone), for stderr. */
  readonly notices: readonly string[];
}

/** `runbook lint` from its parsed flags and config; the report is written through `write`. */
export async function lintCommand(o: {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  paths: readonly string[];
  loaded: LoadedConfig;
  ruleFlags: Readonly<Record<string, RuleSetting>>;
  /** YYYY-MM-DD. */
  today: string;
  format: FormatName;
  quiet: boolean;
  /** Undefined with `--no-cache`. */
  cache: { location: string | undefined } | undefined;
  toolVersion: string;
  color: boolean;
  write: (text: string) => void;
  progress?: (total: number) => { tick(): void };
}): Promise<LintResult> {
  const { config, root } = o.loaded;
  const severities = effectiveSeverities(config.rules, o.env, o.ruleFlags);
  const files = await collect(o.paths.length ? o.paths : (config.runbooks ?? []), o.cwd);
  const settings: JobSettings = { severities, defaultReviewEvery: config.review_every, today: o.today, path: o.env.PATH };
  const cache = o.cache && (await LintCache.open(cacheLocation({ location: o.cache.location, cwd: o.cwd, env: o.env, root, stateDir: config.state_dir }), root, cacheSalt(o.toolVersion, { rules: severities, review_every: config.review_every })));
  // Rule descriptions are only in SARIF, and loading them means loading every rule.
  const rules: readonly RuleInfo[] = o.format === "sarif" ? (await import("../registry.js")).RULE_INFO : [];
  const report = reportStage(WRITERS[o.format], { rules, cwd: o.cwd, toolVersion: o.toolVersion, color: o.color }, { quiet: o.quiet, write: o.write });
  const bar = o.progress?.(files.length);
  const unreadable: string[] = [];
  let beyondShallow = 0;
  await lintFiles({
    cwd: o.cwd,
    files,
    settings,
    env: o.env,
    cache,
    ...(bar ? { tick: () => bar.tick() } : {}),
    unreadable: (u) => void unreadable.push(u.unreadable),
    emit: (f) => {
      if (f.beyondShallow) beyondShallow++;
      report.file(f.file, f.diagnostics);
    },
  });
  const totals = report.end();
  // Once, not a `stale-changed` per runbook: CI checks out one commit unless told otherwise.
  const notices = beyondShallow && severities["stale-changed"] !== "off" ? [shallowCloneNotice(beyondShallow)] : [];
  return { totals, unreadable, notices };
}
