import type { Problem } from "../diagnostics/diagnostic.js";
import type { FrontmatterSource } from "../parse/frontmatter.js";
import { FRONTMATTER_KEYS, PARAM_KEYS, frontmatterSchema, type Frontmatter } from "./frontmatter.js";
import { flattenIssues } from "./zod-issues.js";

/** Validates parsed frontmatter; each issue is placed on the YAML node it is about. */
export function validateFrontmatter(source: FrontmatterSource, problems: Problem[]): Frontmatter | undefined {
  const data = source.data;
  if (data === null || data === undefined || typeof data !== "object" || Array.isArray(data)) {
    const found = Array.isArray(data) ? "a list" : data === null || data === undefined ? "nothing" : `a ${typeof data}`;
    problems.push({ ruleId: "frontmatter-schema", message: `Expected frontmatter to be a mapping of keys (\`id: …\`), found ${found}`, place: source.locate([]) });
    return undefined;
  }
  const input = withoutProtoParam(data, source, problems);
  const result = frontmatterSchema.safeParse(input);
  if (result.success) {
    const { params } = result.data;
    // Param names are user keys: a prototype-less map, so `toString` or `constructor` is only ever a declared param.
    return params === undefined ? result.data : { ...result.data, params: Object.assign(Object.create(null) as typeof params, params) };
  }
  const knownKeys = (path: readonly PropertyKey[]) => (path.length === 0 ? FRONTMATTER_KEYS : path[0] === "params" && path.length === 2 ? PARAM_KEYS : []);
  for (const issue of flattenIssues(result.error.issues, data, knownKeys)) {
    const missingTopLevel = issue.message.startsWith("Missing required key") && issue.path.length === 1;
    problems.push({
      ruleId: "frontmatter-schema",
      message: issue.message,
      place: source.locate(missingTopLevel ? [] : issue.path, issue.at),
    });
  }
  return undefined;
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
