import { UsageError } from "../core/errors.js";
import { checkParamValue, parseParamFlag, paramsFromEnv, resolveParams, type ResolvedParams } from "./param-values.js";
import type { Runbook } from "../model/types.js";
import type { Param } from "../model/schema/frontmatter-schema.js";
import type { RunState } from "./state.js";

/** What a person is asked about one param. */
export interface ParamQuestion {
  readonly name: string;
  readonly description: string | undefined;
  readonly secret: boolean;
  /** The only values allowed (`enum:`): chosen from a list. */
  readonly choices?: readonly string[] | undefined;
  readonly example?: string | undefined;
  readonly validate: (v: string) => string | undefined;
}

/** Asks a person for one param; a secret is not echoed. Rejects when the run is interrupted. */
export type AskParam = (param: ParamQuestion, signal: AbortSignal) => Promise<string>;

/** Why a value cannot be a param's: its declaration's checks, and no control characters. */
export function paramValidator(name: string, d: Param): (v: string) => string | undefined {
  return (v) => checkParamValue(name, d, v) ?? (controlCharacterIn(v) ? "control characters are not allowed" : undefined);
}

/**
 * C0 control characters and DEL, but tab and newline (a certificate or a key spans lines). A value
 * holding a carriage return or an escape sequence is nearly always a paste gone wrong, and would
 * reach a command as a different host name than the one on screen.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

export function controlCharacterIn(value: string): string | undefined {
  const m = CONTROL.exec(value);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}` : undefined;
}

/** `-p NAME=VALUE` flags over `RUNBOOK_PARAM_<NAME>` variables. */
export function collectParamFlags(flags: readonly string[], env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const given: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, paramsFromEnv(env));
  for (const f of flags) {
    const p = parseParamFlag(f);
    if (!p) throw new UsageError(`-p expects NAME=VALUE, got \`${f}\``);
    given[p.name] = p.value;
  }
  for (const [name, value] of Object.entries(given)) {
    const bad = controlCharacterIn(value);
    if (bad) throw new UsageError(`param \`${name}\` holds a control character (${bad}); values may span lines but hold no other control characters`, { hint: "Check for a stray carriage return (\\r) from a copy and paste." });
  }
  return given;
}

/** Resolves params; with someone to ask, asks for missing or invalid ones (secrets hidden), validating as typed. */
export async function resolveRunParams(runbook: Runbook, given: Readonly<Record<string, string>>, ask: AskParam | undefined, signal: AbortSignal): Promise<ResolvedParams> {
  const declared = runbook.meta?.params ?? {};
  let resolved = resolveParams(declared, given);
  if (ask) {
    const answers = { ...given };
    const wanted = [...resolved.missing, ...resolved.problems.filter((p) => p.name in declared).map((p) => p.name)];
    for (const name of wanted) {
      const d = declared[name] ?? {};
      answers[name] = await ask({ name, description: d.description, secret: d.secret === true, choices: d.enum, example: d.example, validate: paramValidator(name, d) }, signal);
    }
    resolved = resolveParams(declared, answers);
  }
  if (resolved.problems.length || resolved.missing.length) {
    const lines = [...resolved.problems.map((p) => p.message), ...resolved.missing.map((n) => `Missing required param \`${n}\`: pass -p ${n}=… (or set RUNBOOK_PARAM_${n})`)];
    throw new UsageError(lines.join("\nrunbook: "));
  }
  return resolved;
}

/**
 * The params of a run taken over: journaled values, plus what the journal never keeps (secret params
 * and values captured from secrets), given again with -p or asked for.
 */
export async function reopenParams(state: RunState, runbook: Runbook, given: Record<string, string>, ask: AskParam | undefined, signal: AbortSignal) {
  const secretCaptures = new Map<string, string>();
  const rest = { ...given };
  for (const [name, c] of state.captures) {
    if (!c.secret || c.value !== null) continue;
    const value = rest[name] ?? (ask ? await ask({ name, description: "captured from a secret; not kept in the journal", secret: true, validate: () => undefined }, signal) : undefined);
    delete rest[name];
    if (value === undefined) throw new UsageError(`\`${name}\` was captured from a secret and is not in the journal: pass -p ${name}=…`);
    secretCaptures.set(name, value);
  }
  const started = state.started;
  const journaled = Object.fromEntries(Object.entries(started.params).filter(([k]) => !started.secrets.includes(k)));
  const resolved = await resolveRunParams(runbook, { ...journaled, ...rest }, ask, signal);
  return { params: { ...resolved.values }, secrets: resolved.secrets, secretCaptures };
}
