import { stat } from "node:fs/promises";
import path from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { UsageError } from "../errors.js";

export const DEFAULT_PATTERNS: readonly string[] = ["runbooks/**/*.md"];
/** Markdown, and Markdown with ERB (GOV.UK Tech Docs sites name pages `*.html.md.erb`). */
const IN_FOLDER = "**/*.{md,md.erb}";
const IGNORE = ["**/node_modules/**", "**/.git/**", "**/.runbook/**"];

/**
 * Expands paths, folders and globs into a sorted list of files, relative to cwd.
 * A path that does not exist, or a pattern that matches nothing, is a usage error.
 */
export async function collectFiles(inputs: readonly string[], cwd: string): Promise<string[]> {
  const patterns = inputs.length ? inputs : DEFAULT_PATTERNS;
  const found = new Set<string>();
  for (const input of patterns) {
    let matches: string[];
    if (isDynamicPattern(input)) {
      matches = await glob(input, { cwd, ignore: IGNORE, onlyFiles: true, dot: false, expandDirectories: false });
      if (matches.length === 0) throw new UsageError(`No files match \`${input}\``);
    } else {
      const info = await stat(path.resolve(cwd, input)).catch(() => undefined);
      if (!info) throw new UsageError(`No such file or folder: ${input}`);
      if (info.isDirectory()) {
        matches = (await glob(IN_FOLDER, { cwd: path.resolve(cwd, input), ignore: IGNORE, onlyFiles: true })).map((m) => path.join(input, m));
        if (matches.length === 0) throw new UsageError(`No Markdown files in ${input}`);
      } else matches = [input];
    }
    for (const m of matches) found.add(path.normalize(m));
  }
  return [...found].sort();
}
