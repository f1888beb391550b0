import type { Problem } from "../problem.js";
import type { FrontmatterSource } from "../frontmatter-yaml.js";
import { APPROVALS_KEYS, ENV_NAME_PATTERN, FRONTMATTER_KEYS, PARAM_KEYS, frontmatterSchema, paramSchema, type Frontmatter, type Param } from "./frontmatter-schema.js";
import { flattenIssues } from "./zod-issues.js";
import { DRILL_KEYS } from "./drill-schema.js";

/**
 * Every frontmatter key whose value is valid, even when another key is not: one mistake (an unknown
 * key on one param) must not make every param look undeclared, or hide the owner from the rules that
 * read it. A param whose body has a mistake is still declared, with the attributes that are valid.
 */
export type KnownFrontmatter = Partial<Frontmatter>;

export interface ValidatedFrontmatter {
  /** The frontmatter when all of it is valid; what a run and a plan may rely on. */
  readonly meta: Frontmatter | undefined;
  readonly known: KnownFrontmatter;
}

/** Validates parsed frontmatter; each issue is placed on the YAML node it is about. */
export function validateFrontmatter(source: FrontmatterSource, problems: Problem[]): ValidatedFrontmatter {
  const data = source.data;
  if (data === null || data === undefined || typeof data !== "object" || Array.isArray(data)) {
    const found = Array.isArray(data) ? "a list" : data === null || data === undefined ? "nothing" : `a ${typeof data}`;
    problems.push({ ruleId: "frontmatter-schema", message: `Expected frontmatter to be a mapping of keys (\`id: …\`), found ${found}`, place: source.locate([]) });
    return { meta: undefined, known: {} };
  }
  const input = withoutProtoParam(data, source, problems);
  const result = frontmatterSchema.safeParse(input);
  if (result.success) {
    const { params } = result.data;
    // Param names are user keys: a prototype-less map, so `toString` or `constructor` is only ever a declared param.
    const meta = params === undefined ? result.data : { ...result.data, params: Object.assign(Object.create(null) as typeof params, params) };
    return { meta, known: meta };
  }
  const knownKeys = (path: readonly PropertyKey[]) =>
    path.length === 0 ? FRONTMATTER_KEYS : path[0] === "params" && path.length === 2 ? PARAM_KEYS : path[0] === "drill" && path.length === 1 ? DRILL_KEYS : path[0] === "approvals" && path.length === 1 ? APPROVALS_KEYS : [];
  const where = (path: readonly PropertyKey[]) => (path[0] === "params" && path.length === 2 ? ` in param \`${String(path[1])}\`` : "");
  for (const issue of flattenIssues(result.error.issues, data, knownKeys, where)) {
    const missingTopLevel = issue.message.startsWith("Missing required key") && issue.path.length === 1;
    problems.push({
      ruleId: "frontmatter-schema",
      message: issue.message,
      place: source.locate(missingTopLevel ? [] : issue.path, issue.at),
    });
  }
  return { meta: undefined, known: salvage(input as Record<string, unknown>) };
}

/**
 * What can be known of frontmatter whose YAML is broken, from what the parser recovered: no
 * findings (the YAML error is the finding), only the keys that are valid on their own.
 */
export function recoverFrontmatter(recovered: unknown): KnownFrontmatter {
  if (recovered === null || typeof recovered !== "object" || Array.isArray(recovered)) return {};
  return salvage(recovered as Record<string, unknown>);
}

type Parser = { safeParse(v: unknown): { success: boolean; data?: unknown } };

/** Each top-level key checked on its own: what passes is known. Never throws. */
function salvage(input: Record<string, unknown>): KnownFrontmatter {
  const shape = frontmatterSchema.shape as unknown as Record<string, Parser>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!Object.hasOwn(shape, key)) continue;
    if (key === "params") {
      const params = salvageParams(value);
      if (params) out.params = params;
      continue;
    }
    const one = shape[key]?.safeParse(value);
    if (one?.success) out[key] = one.data;
  }
  return out as KnownFrontmatter;
}

/**
 * Every param with a usable name is declared, whatever its body: `PORT: {validation: …}` is a
 * mistake in PORT's attributes, not a reason to report every `$PORT` as undeclared.
 */
function salvageParams(value: unknown): Record<string, Param> | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const out = Object.create(null) as Record<string, Param>;
  const shape = paramSchema.shape as unknown as Record<string, Parser>;
  for (const [name, body] of Object.entries(value)) {
    if (!ENV_NAME_PATTERN.test(name) || name === "__proto__") continue;
    const whole = paramSchema.safeParse(body ?? {});
    if (whole.success) {
      out[name] = whole.data;
      continue;
    }
    const kept: Record<string, unknown> = {};
    if (body !== null && typeof body === "object" && !Array.isArray(body)) {
      for (const [k, v] of Object.entries(body)) {
        const one = Object.hasOwn(shape, k) ? shape[k]?.safeParse(v) : undefined;
        if (one?.success) kept[k] = one.data;
      }
    }
    out[name] = kept as Param;
  }
  return out;
}

/**
 * `__proto__` cannot be a param: a record would set it as the prototype and the param would vanish.
 * It is reported and left out, so the rest of the frontmatter is still checked.
 */
function withoutProtoParam(data: object, source: FrontmatterSource, problems: Problem[]): object {
  const params: unknown = (data as { params?: unknown }).params;
  if (params === null || typeof params !== "object" || !Object.hasOwn(params, "__proto__")) return data;
  problems.push({ ruleId: "frontmatter-schema", message: "Param name `__proto__` is not allowed: choose another name", place: source.locate(["params", "__proto__"], "key") });
  const rest = Object.fromEntries(Object.entries(params).filter(([k]) => k !== "__proto__"));
  return { ...data, params: rest };
}
