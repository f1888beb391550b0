import { closeSync, fsyncSync, openSync } from "node:fs";

/** Makes a folder's entries (a file created, renamed or removed in it) durable, as a file's own fsync does not. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
