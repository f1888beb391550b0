import { closeSync, readSync } from "node:fs";
import { openRegular } from "../system/open-regular.js";

/**
 * The JSON in a small regular file of the state folder (a lock, a queued note), or undefined when it
 * is missing, a symbolic link (never followed), not a regular file (a FIFO or a device is never
 * opened for a blocking read: see openRegular), larger than `max` bytes or not JSON.
 */
export function readSmallJson(file: string, max: number): unknown {
  let opened: { fd: number; size: number };
  try {
    opened = openRegular(file);
  } catch {
    return undefined;
  }
  const { fd, size } = opened;
  try {
    if (size > max) return undefined;
    const buf = Buffer.alloc(size);
    let n = 0;
    while (n < size) {
      const got = readSync(fd, buf, n, size - n, n);
      if (got === 0) break;
      n += got;
    }
    return JSON.parse(buf.subarray(0, n).toString("utf8")) as unknown;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
