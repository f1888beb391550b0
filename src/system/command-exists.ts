import { accessSync, constants } from "node:fs";
import path from "node:path";

/** `which`, without a child process; results are cached per PATH for the life of the process. */
export function commandLookup(envPath: string | undefined): (name: string) => boolean {
  const dirs = (envPath ?? "").split(path.delimiter).filter(Boolean);
  const cache = new Map<string, boolean>();
  return (name) => {
    let hit = cache.get(name);
    if (hit === undefined) {
      hit = name.includes("/") ? isExecutable(name) : dirs.some((d) => isExecutable(path.join(d, name)));
      cache.set(name, hit);
    }
    return hit;
  };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
