import { collectFiles } from "../../system/collect.js";

/** Stage 1, collect: paths, folders and globs → the files to check, in report order. */
export async function collect(paths: readonly string[], cwd: string): Promise<string[]> {
  return (await collectFiles(paths, cwd)).sort((a, b) => a.localeCompare(b));
}
