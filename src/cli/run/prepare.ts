import { createHash } from "node:crypto";
import path from "node:path";
import { formatStylish } from "../../diagnostics/formatters/stylish.js";
import { checkParamValue, resolveParams, type ResolvedParams } from "../../engine/params.js";
import { buildPlan, type Plan } from "../../engine/plan.js";
import { commandLookup } from "../../files/command-exists.js";
import { loadConfig, type LoadedConfig } from "../../files/config.js";
import { readText } from "../../files/read-runbook.js";
import { lintRunbook } from "../../lint/lint.js";
import { RULE_INFO } from "../../lint/registry.js";
import { buildRunbook } from "../../model/build-runbook.js";
import { buildStepGraph } from "../../model/graph.js";
import type { Runbook } from "../../model/types.js";
import { EXIT, RunbookError } from "../errors.js";
import { useColor, type Io } from "../io.js";
import { VERSION } from "../version.js";

export interface Prepared {
  readonly runbook: Runbook;
  readonly plan: Plan;
  readonly sha256: string;
  readonly absoluteFile: string;
  readonly loaded: LoadedConfig;
}

/** Reads and lints a runbook for running. Lint errors stop it: a broken runbook never starts. */
export async function prepare(io: Io, file: string, config: string | LoadedConfig | undefined): Promise<Prepared> {
  // Callers that already read the config pass it on, so it is read once.
  const loaded = typeof config === "object" ? config : await loadConfig(io.cwd, config);
  const text = await readText(file, io.cwd);
  const runbook = buildRunbook(file, text);
  // Staleness and tool availability are warnings about the runbook, not reasons to refuse it.
  const errors = lintRunbook(runbook, { severities: loaded.config.rules ?? {}, commandExists: () => true }).filter((d) => d.severity === "error");
  if (errors.length) {
    io.stderr.write(formatStylish({ files: [{ file, diagnostics: errors }], rules: RULE_INFO, cwd: io.cwd, toolVersion: VERSION, color: useColor(io, io.stderr) }));
    throw new RunbookError(`${file} has lint errors; fix them before running it`, EXIT.usage);
  }
  const absoluteFile = path.resolve(io.cwd, file);
  const plan = buildPlan(runbook, buildStepGraph(runbook), absoluteFile);
  return { runbook, plan, sha256: createHash("sha256").update(text).digest("hex"), absoluteFile, loaded };
}

/** Every `requires` command must be on PATH before anything runs. */
export function checkRequires(plan: Plan, env: Io["env"]): void {
  const exists = commandLookup(env.PATH);
  const missing = plan.requires.filter((c) => !exists(c));
  if (missing.length) throw new RunbookError(`required command${missing.length > 1 ? "s" : ""} not on PATH: ${missing.join(", ")}`, EXIT.usage);
}

export type AskParam = (name: string, description: string | undefined, secret: boolean, validate: (v: string) => string | undefined) => Promise<string>;

/** Resolves params; with someone to ask, asks for missing ones (secrets hidden), validating as typed. */
export async function resolveRunParams(runbook: Runbook, given: Record<string, string>, ask: AskParam | undefined): Promise<ResolvedParams> {
  const declared = runbook.meta?.params ?? {};
  let resolved = resolveParams(declared, given);
  if (ask) {
    const answers = { ...given };
    const wanted = [...resolved.missing, ...resolved.problems.filter((p) => p.name in declared).map((p) => p.name)];
    for (const name of wanted) {
      const d = declared[name] ?? {};
      const hint = d.description ?? (d.enum ? `one of ${d.enum.join(", ")}` : d.example !== undefined ? `e.g. ${d.example}` : undefined);
      answers[name] = await ask(name, hint, d.secret === true, (v) => checkParamValue(name, d, v));
    }
    resolved = resolveParams(declared, answers);
  }
  if (resolved.problems.length || resolved.missing.length) {
    const lines = [...resolved.problems.map((p) => p.message), ...resolved.missing.map((n) => `Missing required param \`${n}\`: pass -p ${n}=… (or set RUNBOOK_PARAM_${n})`)];
    throw new RunbookError(lines.join("\nrunbook: "), EXIT.usage);
  }
  return resolved;
}
