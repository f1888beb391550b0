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
  const result = frontmatterSchema.safeParse(data);
  if (result.success) return result.data;
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
