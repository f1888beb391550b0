import type { Param } from "../model/schema/frontmatter-schema.js";
import { matchesPattern } from "../model/pattern.js";
import { didYouMean } from "../model/suggest.js";

/**
 * Secrets shorter than this are refused. From 8 bytes on, the part of a secret's base64 that does
 * not depend on its neighbours is at least 8 characters at every byte alignment; a shorter secret's
 * base64 could only be masked by hiding every chance match of 4 or 5 characters, or not at all.
 */
export const MIN_SECRET_LENGTH = 8;

export interface ParamProblem {
  readonly name: string;
  readonly message: string;
}

export interface ResolvedParams {
  readonly values: Readonly<Record<string, string>>;
  readonly secrets: ReadonlySet<string>;
  /** Required params with no value; a terminal can ask for them. */
  readonly missing: readonly string[];
  readonly problems: readonly ParamProblem[];
}

/**
 * Resolves param values from what was given (flags, environment, answers) and defaults, and
 * validates each against its declaration. Pure.
 */
export function resolveParams(declared: Readonly<Record<string, Param>>, given: Readonly<Record<string, string>>): ResolvedParams {
  // User keys (`toString`, `__proto__`…) must never meet Object.prototype: own keys only, no prototype.
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  const secrets = new Set<string>();
  const missing: string[] = [];
  const problems: ParamProblem[] = [];
  const names = Object.keys(declared);
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(declared, name)) problems.push({ name, message: `Unknown param \`${name}\`${didYouMean(name, names)}; this runbook declares ${names.length ? names.map((n) => `\`${n}\``).join(", ") : "no params"}` });
  }
  for (const [name, p] of Object.entries(declared)) {
    if (p.secret) secrets.add(name);
    const value = (Object.hasOwn(given, name) ? given[name] : undefined) ?? p.default;
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    const problem = checkParamValue(name, p, value);
    if (problem) problems.push({ name, message: problem });
    else values[name] = value;
  }
  return { values, secrets, missing, problems };
}

/** Why a value is not acceptable for a param, or undefined when it is. */
export function checkParamValue(name: string, p: Param, value: string): string | undefined {
  const shown = p.secret ? "the value" : `\`${value}\``;
  if (p.secret && value.length < MIN_SECRET_LENGTH) return `Secret \`${name}\` is shorter than ${MIN_SECRET_LENGTH} characters: too short to mask safely in output (its base64 could not be told from chance text); use a longer secret`;
  if (p.enum && !p.enum.includes(value)) return `\`${name}\`: ${shown} is not one of ${p.enum.map((e) => `\`${e}\``).join(", ")}`;
  if (p.pattern !== undefined && !matchesPattern(p.pattern, value)) return `\`${name}\`: ${shown} does not match \`${p.pattern}\` (the whole value must match)`;
  return undefined;
}

/** `NAME=VALUE` from a `-p` flag. The value may contain `=` and anything else, byte for byte. */
export function parseParamFlag(flag: string): { name: string; value: string } | undefined {
  const eq = flag.indexOf("=");
  if (eq <= 0) return undefined;
  return { name: flag.slice(0, eq), value: flag.slice(eq + 1) };
}

/** Params passed as `RUNBOOK_PARAM_<NAME>`: keeps secrets out of argv, where `ps` shows them. */
export function paramsFromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(env)) if (k.startsWith("RUNBOOK_PARAM_") && v !== undefined) out[k.slice("RUNBOOK_PARAM_".length)] = v;
  return out;
}
