import type { ResolvedParams } from "./param-values.js";
import type { Runbook } from "../model/types.js";
import { paramValidator, resolveRunParams } from "./params.js";

/** Where a param's value came from. */
export type ParamSource = "flag" | "environment" | "default" | "typed";

/** One param as the review before the start shows it. */
export interface ParamEntry {
  readonly name: string;
  /** The value it will run with (a secret's too: the screen shows it as ***). */
  readonly value: string;
  readonly source: ParamSource;
  readonly secret: boolean;
  readonly description: string | undefined;
  readonly example: string | undefined;
  /** The only values allowed (`enum:`). */
  readonly choices: readonly string[] | undefined;
  readonly defaultValue: string | undefined;
  readonly validate: (v: string) => string | undefined;
}

/**
 * Shows every param before the run starts, to look at and change. Resolves with the values to run
 * with, or undefined when the operator chose not to start. Rejects when the session is interrupted.
 */
export type ReviewParams = (entries: readonly ParamEntry[], signal: AbortSignal) => Promise<Readonly<Record<string, string>> | undefined>;

/** The review's rows: each declared param, its value and where that came from. Pure. */
export function reviewEntries(runbook: Runbook, given: Readonly<Record<string, string>>, givenBy: Readonly<Record<string, "flag" | "environment">>, resolved: ResolvedParams): ParamEntry[] {
  return Object.entries(runbook.meta?.params ?? {}).map(([name, d]) => {
    const value = resolved.values[name] ?? "";
    const source: ParamSource = name in given && given[name] === value ? (givenBy[name] ?? "flag") : !(name in given) && d.default === value ? "default" : "typed";
    return { name, value, source, secret: d.secret === true, description: d.description, example: d.example, choices: d.enum, defaultValue: d.default, validate: paramValidator(name, d) };
  });
}

/**
 * The params a run starts with, after the operator has looked at them (when the front end can show
 * them and the runbook has any): undefined when the operator chose not to start.
 */
export async function reviewRunParams(
  runbook: Runbook,
  given: Readonly<Record<string, string>>,
  givenBy: Readonly<Record<string, "flag" | "environment">>,
  resolved: ResolvedParams,
  review: ReviewParams | undefined,
  signal: AbortSignal,
): Promise<ResolvedParams | undefined> {
  if (!review || Object.keys(runbook.meta?.params ?? {}).length === 0) return resolved;
  const chosen = await review(reviewEntries(runbook, given, givenBy, resolved), signal);
  if (!chosen) return undefined;
  // Checked again: what the screen took must be what the declarations allow.
  return resolveRunParams(runbook, chosen, undefined, signal);
}
