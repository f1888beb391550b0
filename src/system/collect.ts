import { stat } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../core/errors.js";

export const DEFAULT_PATTERNS: readonly string[] = ["runbooks/**/*.md"];
/** Markdown, and Markdown with ERB (GOV.UK Tech Docs sites name pages `*.html.md.erb`). */
const IN_FOLDER = "**/*.{md,md.erb}";
const IGNORE = ["**/node_modules/**", "**/.git/**", "**/.runbook/**"];
/** Characters without which a path cannot be a glob pattern (a superset of what tinyglobby looks for). */
const MAYBE_PATTERN = /[*?[\]{}()!+@\\]/;

/**
 * Expands paths, folders and globs into a sorted list of files, relative to cwd.
 * A path that does not exist, or a pattern that matches nothing, is a usage error.
 */
export async function collectFiles(inputs: readonly string[], cwd: string): Promise<string[]> {
  const patterns = inputs.length ? inputs : DEFAULT_PATTERNS;
  // The glob library is loaded only for a pattern or a folder: `lint file.md` starts faster without it.
  const { glob, isDynamicPattern } = patterns.some((p) => MAYBE_PATTERN.test(p)) ? await import("tinyglobby") : { glob: undefined, isDynamicPattern: () => false };
  const found = new Set<string>();
  for (const input of patterns) {
    let matches: string[];
    if (glob && isDynamicPattern(input)) {
      matches = await glob(input, { cwd, ignore: IGNORE, onlyFiles: true, dot: false, expandDirectories: false });
      if (matches.length === 0) throw new UsageError(`No files match \`${input}\``);
    } else {
      const info = await stat(path.resolve(cwd, input)).catch(() => undefined);
      if (!info) throw new UsageError(`No such file or folder: ${input}`);
      if (info.isDirectory()) {
        const { glob: globIn } = await import("tinyglobby");
        matches = (await globIn(IN_FOLDER, { cwd: path.resolve(cwd, input), ignore: IGNORE, onlyFiles: true })).map((m) => path.join(input, m));
        if (matches.length === 0) throw new UsageError(`No Markdown files in ${input}`);
      } else matches = [input];
    }
    for (const m of matches) found.add(path.normalize(m));
  }
  return [...found].sort();
}
