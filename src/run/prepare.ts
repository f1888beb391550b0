import { createHash } from "node:crypto";
import path from "node:path";
import type { Diagnostic } from "../check/diagnostic.js";
import { formatStylish } from "../check/formatters/stylish.js";
import { InputError, RunRefusedError } from "../core/errors.js";
import { buildPlan, type Plan } from "./plan.js";
import { commandLookup } from "../system/command-exists.js";
import { readText } from "../system/read-runbook.js";
import { repoRootOf } from "../system/repo-root.js";
import { lintRunbook, type RuleSetting } from "../check/lint-runbook.js";
import { splitByPlan } from "../check/plan-findings.js";
import { RULE_INFO } from "../check/registry.js";
import { buildRunbook } from "../model/build-runbook.js";
import { buildStepGraph } from "../model/step-graph.js";
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
  const { prepared, errors } = await readAndLint(file, ctx);
  if (errors.length) throw lintRefusal(file, errors, ctx, `${file} has lint errors; fix them before running it`);
  return prepared();
}

/**
 * Reads, lints and plans a runbook for a dry run: refused only for errors that make the plan wrong.
 * Errors about metadata alone (an owner placeholder, staleness set to error) come back to be shown
 * as warnings; `run` itself still refuses them.
 */
export async function prepareForPreview(file: string, ctx: PrepareContext): Promise<{ prepared: Prepared; metadataErrors: readonly Diagnostic[] }> {
  const { prepared, errors } = await readAndLint(file, ctx);
  const { blocking, metadata } = splitByPlan(errors);
  // All of them, when refused: the others must be fixed before a run too.
  if (blocking.length) throw lintRefusal(file, errors, ctx, `${file} has lint errors, so its plan would be wrong; fix them first`);
  return { prepared: prepared(), metadataErrors: metadata };
}

async function readAndLint(file: string, ctx: PrepareContext): Promise<{ prepared: () => Prepared; errors: Diagnostic[] }> {
  const absolute = path.resolve(ctx.cwd, file);
  const text = await readText(file, ctx.cwd);
  const runbook = buildRunbook(file, text);
  // Staleness and tool availability are warnings about the runbook, not reasons to refuse it.
  const errors = lintRunbook(runbook, { severities: ctx.severities, commandExists: () => true }).filter((d) => d.severity === "error");
  return { prepared: () => assemblePrepared(runbook, text, absolute, ctx.stateDir), errors };
}

function assemblePrepared(runbook: Runbook, text: string, absolute: string, stateDir: string): Prepared {
  const plan = buildPlan(runbook, buildStepGraph(runbook), absolute);
  return { runbook, plan, sha256: sha256(text), file: absolute, location: locationOf(absolute, stateDir) };
}

/**
 * A runbook planned from text read elsewhere than its file (at a commit: what `approve` shows is the
 * runbook as the plan names it, not the working tree). Not linted: it was when the plan was requested.
 */
export function preparedFromText(absolute: string, shown: string, text: string, stateDir: string): Prepared {
  return assemblePrepared(buildRunbook(shown, text), text, absolute, stateDir);
}

function lintRefusal(file: string, errors: readonly Diagnostic[], ctx: PrepareContext, message: string): InputError {
  const details = formatStylish({ files: [{ file, diagnostics: errors }], rules: RULE_INFO, cwd: ctx.cwd, toolVersion: ctx.toolVersion, color: ctx.color });
  return new InputError(message, { details, hint: `See \`runbook lint ${file}\`.` });
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
