import { mkdirSync, statSync } from "node:fs";
import path from "node:path";

/**
 * `mkdir -p` that fails instead of hanging. Node's own recursive mkdir spins forever when the
 * kernel answers ENOENT for a folder whose parent exists (as /proc does), so each level is made
 * one at a time. Returns the first folder it created, like mkdirSync's recursive form. `mode` applies
 * to the folders it creates (less the umask).
 */
export function mkdirp(dir: string, mode?: number): string | undefined {
  const target = path.resolve(dir);
  const missing: string[] = [];
  for (let d = target; ; d = path.dirname(d)) {
    try {
      if (statSync(d).isDirectory()) break;
      throw Object.assign(new Error(`not a directory: ${d}`), { code: "ENOTDIR" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d, mode);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  return missing[0];
}
