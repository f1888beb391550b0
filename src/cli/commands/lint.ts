import type { FormatName } from "../../check/formatters/by-name.js";
import { lintCommand } from "../../check/pipeline/index.js";
import type { RuleSetting } from "../../check/lint-runbook.js";
import { EXIT, UsageError } from "../../core/errors.js";
import { bufferedOutput } from "../buffered-output.js";
import { useColor, type Io } from "../io.js";
import { isoDate, parseDateFlag } from "../dates.js";
import { progress } from "../progress.js";
import { loadProjectConfig } from "../project-config.js";
import { VERSION } from "../version.js";

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

/** `runbook lint`: the flags and the config handed to the check pipeline, its totals turned into an exit code. */
export default async function lint(io: Io, paths: string[], flags: LintFlags): Promise<number> {
  const loaded = await loadProjectConfig(io.cwd, flags.config);
  let bar: ReturnType<typeof progress> | undefined;
  const out = bufferedOutput(io.stdout, () => bar?.clear());
  const result = await lintCommand({
    cwd: io.cwd,
    env: io.env,
    paths,
    loaded,
    ruleFlags: await ruleFlags(flags.rule ?? []),
    today: isoDate(parseDateFlag(flags.asOf, "--as-of") ?? new Date()),
    format: flags.format,
    quiet: flags.quiet === true,
    cache: flags.cache === false ? undefined : { location: flags.cacheLocation },
    toolVersion: VERSION,
    color: useColor(io, io.stdout),
    write: (text) => out.write(text),
    progress: (total) => (bar = progress(io, "linting", total)),
  });
  out.flush();
  bar?.done();

  for (const message of result.unreadable) io.stderr.write(`runbook: ${message}\n`);
  for (const notice of result.notices) io.stderr.write(`runbook: ${notice}\n`);
  if (result.unreadable.length) return EXIT.usage;
  if (result.totals.errors) return EXIT.findings;
  if (flags.maxWarnings !== undefined && result.totals.warnings > flags.maxWarnings) {
    io.stderr.write(`runbook: ${result.totals.warnings} warnings is more than --max-warnings ${flags.maxWarnings}\n`);
    return EXIT.findings;
  }
  return EXIT.ok;
}

/** `--rule stale-overdue=off` → { "stale-overdue": "off" }; a bad one is a usage error. */
async function ruleFlags(values: readonly string[]): Promise<Record<string, RuleSetting>> {
  const out: Record<string, RuleSetting> = {};
  if (values.length === 0) return out;
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
