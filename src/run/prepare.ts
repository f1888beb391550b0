import { createHash } from "node:crypto";
import path from "node:path";
import { formatStylish } from "../diagnostics/formatters/stylish.js";
import { InputError, RunRefusedError } from "../errors.js";
import { buildPlan, type Plan } from "../engine/plan.js";
import { commandLookup } from "../files/command-exists.js";
import { readText } from "../files/read-runbook.js";
import { repoRootOf } from "../files/repo-root.js";
import { lintRunbook, type RuleSetting } from "../lint/lint.js";
import { RULE_INFO } from "../lint/registry.js";
import { buildRunbook } from "../model/build-runbook.js";
import { buildStepGraph } from "../model/graph.js";
import type { Runbook } from "../model/types.js";

/** Where a runbook is, in the terms a journal keeps: so another checkout can find the same file. */
export interface Location {
  /** Relative to `base`. */
  readonly path: string;
  /** The file's repository root; or the state folder when the file is in no repository. */
  readonly base: "repository" | "state";
}

export interface Prepared {
  readonly runbook: Runbook;
  readonly plan: Plan;
  readonly sha256: string;
  /** Absolute. */
  readonly file: string;
  readonly location: Location;
}

export interface PrepareContext {
  readonly cwd: string;
  readonly stateDir: string;
  readonly severities: Readonly<Record<string, RuleSetting>>;
  readonly color: boolean;
  readonly toolVersion: string;
}

/** Reads, lints and plans a runbook for running. Lint errors stop it: a broken runbook never starts. */
export async function prepare(file: string, ctx: PrepareContext): Promise<Prepared> {
  const absolute = path.resolve(ctx.cwd, file);
  const text = await readText(file, ctx.cwd);
  const runbook = buildRunbook(file, text);
  // Staleness and tool availability are warnings about the runbook, not reasons to refuse it.
  const errors = lintRunbook(runbook, { severities: ctx.severities, commandExists: () => true }).filter((d) => d.severity === "error");
  if (errors.length) {
    const details = formatStylish({ files: [{ file, diagnostics: errors }], rules: RULE_INFO, cwd: ctx.cwd, toolVersion: ctx.toolVersion, color: ctx.color });
    throw new InputError(`${file} has lint errors; fix them before running it`, { details, hint: `See \`runbook lint ${file}\`.` });
  }
  const plan = buildPlan(runbook, buildStepGraph(runbook), absolute);
  return { runbook, plan, sha256: sha256(text), file: absolute, location: locationOf(absolute, ctx.stateDir) };
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function locationOf(absolute: string, stateDir: string): Location {
  const root = repoRootOf(path.dirname(absolute));
  return root ? { path: toPosix(path.relative(root, absolute)), base: "repository" } : { path: toPosix(path.relative(stateDir, absolute)), base: "state" };
}

const toPosix = (p: string) => p.split(path.sep).join("/");

/** Every `requires` command must be on PATH before anything runs. */
export function checkRequires(plan: Plan, envPath: string | undefined): void {
  const exists = commandLookup(envPath);
  const missing = plan.requires.filter((c) => !exists(c));
  if (missing.length) throw new RunRefusedError(`required command${missing.length > 1 ? "s" : ""} not on PATH: ${missing.join(", ")}`, { hint: "Install it, or run from a machine that has it." });
}
