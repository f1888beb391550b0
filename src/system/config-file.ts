import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../core/errors.js";
import { parseYaml } from "../model/frontmatter-yaml.js";
import { LineIndex } from "../model/positions.js";
import { APPROVALS_CONFIG_KEYS, CONFIG_FILE, CONFIG_KEYS, configSchema, NOTIFY_KEYS, SHARE_KEYS, type Config } from "../model/schema/config-schema.js";
import { nearestOrChoices } from "../model/suggest.js";
import { flattenIssues } from "../model/schema/zod-issues.js";

export interface LoadedConfig {
  readonly config: Config;
  /** The folder holding the config, or the repository root, or cwd. */
  readonly root: string;
  readonly file: string | undefined;
}

/** Finds the project root: the nearest folder with the config file or a `.git`. */
export function findRoot(cwd: string): { root: string; configFile: string | undefined } {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return { root: dir, configFile: candidate };
    if (existsSync(path.join(dir, ".git"))) return { root: dir, configFile: undefined };
    if (path.dirname(dir) === dir) return { root: path.resolve(cwd), configFile: undefined };
  }
}

/**
 * Reads and validates the config. A bad config stops the tool with every mistake in it, each with its
 * file, line and column. `ruleIds` are the rules a `rules:` entry may name: handed in by the caller, so
 * the edges know no lint rule.
 */
export async function loadConfig(cwd: string, explicit: string | undefined, ruleIds: readonly string[]): Promise<LoadedConfig> {
  const found = explicit ? { root: path.dirname(path.resolve(cwd, explicit)), configFile: path.resolve(cwd, explicit) } : findRoot(cwd);
  if (!found.configFile) return { config: {}, root: found.root, file: undefined };
  const rel = path.relative(cwd, found.configFile) || CONFIG_FILE;
  const text = await readFile(found.configFile, "utf8").catch((e: NodeJS.ErrnoException) => {
    throw new InputError(`Cannot read config ${rel}: ${e.code ?? e.message}`);
  });
  const { config, problems } = assembleConfig(text, ruleIds);
  if (problems.length === 0 && config) return { config, root: found.root, file: found.configFile };
  const lines = problems.map((p) => `${rel}:${p.line}:${p.column}: ${p.message}`);
  // One mistake reads as before; several are listed first, so fixing the config takes one pass, not one per mistake.
  if (lines.length === 1) throw new InputError(lines[0] ?? "");
  throw new InputError(`${rel} has ${lines.length} errors (listed above); fix them, then run again`, { details: `${lines.join("\n")}\n` });
}

export interface ConfigProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** The config from its text, or every problem in it, in file order. Pure. */
export function assembleConfig(text: string, ruleIds: readonly string[]): { config: Config | undefined; problems: ConfigProblem[] } {
  const source = parseYaml(text, 0, new LineIndex(text));
  const problems: ConfigProblem[] = [];
  const add = (p: { line: number; column: number }, message: string) => problems.push({ line: p.line, column: p.column, message });
  for (const p of source.problems) add("start" in p.place ? p.place.start : p.place, p.message);
  if (problems.length) return { config: undefined, problems };
  const data = source.data ?? {};
  const result = configSchema.safeParse(data);
  if (!result.success) {
    const nested: Record<string, readonly string[]> = { share: SHARE_KEYS, approvals: APPROVALS_CONFIG_KEYS };
    const known = (p: readonly PropertyKey[]) =>
      p.length === 0 ? CONFIG_KEYS : p.length === 1 ? (nested[String(p[0])] ?? []) : p.length === 2 && p[0] === "notify" ? NOTIFY_KEYS : [];
    const where = (p: readonly PropertyKey[]) =>
      p.length === 1 && Object.hasOwn(nested, String(p[0])) ? ` under \`${String(p[0])}\`` : p.length === 2 && p[0] === "notify" ? ` under \`notify[${String(p[1])}]\`` : "";
    for (const issue of flattenIssues(result.error.issues, data, known, where)) {
      // Bad rule ids are reported below, once each, with the known ones.
      if (issue.path[0] === "rules" && issue.path.length === 2 && !ruleIds.includes(String(issue.path[1]))) continue;
      add(source.locate(issue.path, issue.at), issue.message);
    }
  }
  // The keys as written: a `__proto__` key never reaches the parsed record (it would set its prototype).
  const rules: unknown = (data as { rules?: unknown }).rules;
  for (const id of rules !== null && typeof rules === "object" && !Array.isArray(rules) ? Object.keys(rules) : []) {
    if (!ruleIds.includes(id)) add(source.locate(["rules", id], "key"), `Unknown rule \`${id}\`${nearestOrChoices(id, ruleIds)}`);
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { config: problems.length || !result.success ? undefined : result.data, problems };
}
