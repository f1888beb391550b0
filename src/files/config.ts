import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../errors.js";
import { RULE_IDS } from "../lint/registry.js";
import { parseYaml } from "../parse/frontmatter.js";
import { LineIndex } from "../parse/positions.js";
import { CONFIG_FILE, CONFIG_KEYS, configSchema, type Config } from "../schema/config.js";
import { didYouMean } from "../schema/suggest.js";
import { flattenIssues } from "../schema/zod-issues.js";

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

/** Reads and validates the config. A bad config stops the tool with its file, line and column. */
export async function loadConfig(cwd: string, explicit?: string): Promise<LoadedConfig> {
  const found = explicit ? { root: path.dirname(path.resolve(cwd, explicit)), configFile: path.resolve(cwd, explicit) } : findRoot(cwd);
  if (!found.configFile) return { config: {}, root: found.root, file: undefined };
  const rel = path.relative(cwd, found.configFile) || CONFIG_FILE;
  const text = await readFile(found.configFile, "utf8").catch((e: NodeJS.ErrnoException) => {
    throw new InputError(`Cannot read config ${rel}: ${e.code ?? e.message}`);
  });
  const lines = new LineIndex(text);
  const source = parseYaml(text, 0, lines);
  const fail = (p: { line: number; column: number }, message: string) => new InputError(`${rel}:${p.line}:${p.column}: ${message}`);
  const first = source.problems[0];
  if (first) {
    const at = "start" in first.place ? first.place.start : first.place;
    throw fail(at, first.message);
  }
  const data = source.data ?? {};
  const result = configSchema.safeParse(data);
  if (!result.success) {
    const issue = flattenIssues(result.error.issues, data, (p) => (p.length === 0 ? CONFIG_KEYS : []))[0];
    const at = source.locate(issue?.path ?? [], issue?.at);
    throw fail(at, issue?.message ?? "Invalid config");
  }
  // The keys as written: a `__proto__` key never reaches the parsed record (it would set its prototype).
  const rules: unknown = (data as { rules?: unknown }).rules;
  for (const id of rules !== null && typeof rules === "object" ? Object.keys(rules) : []) {
    if (!RULE_IDS.includes(id)) {
      const at = source.locate(["rules", id], "key");
      throw fail(at, `Unknown rule \`${id}\`${didYouMean(id, RULE_IDS)}`);
    }
  }
  return { config: result.data, root: found.root, file: found.configFile };
}
