import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

/**
 * The JSON in a small regular file of the state folder (a lock, a queued note), or undefined when it
 * is missing, a symbolic link (never followed), not a regular file, larger than `max` bytes or not JSON.
 */
export function readSmallJson(file: string, max: number): unknown {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > max) return undefined;
    const buf = Buffer.alloc(Math.min(stat.size, max));
    const n = readSync(fd, buf, 0, buf.length, 0);
    return JSON.parse(buf.subarray(0, n).toString("utf8")) as unknown;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
