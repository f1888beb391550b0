import { existsSync } from "node:fs";
import path from "node:path";

/** The nearest folder at or above `dir` that holds `.git` (a folder, or a worktree's file). */
export function repoRootOf(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, ".git"))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}
