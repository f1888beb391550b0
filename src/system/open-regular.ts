import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from "node:fs";

/** A file that is not a regular file (a FIFO, a device, a socket, a folder, or a link when links are not followed). */
export class NotRegularFileError extends Error {
  override name = "NotRegularFileError";
  readonly code = "ENOTREG";
  constructor(
    readonly file: string,
    readonly kind: string,
  ) {
    super(`${file} is ${kind}, not a regular file`);
  }
}

/** What a file is, in words, for messages. */
export function kindOf(s: Stats): string {
  if (s.isFile()) return "a regular file";
  if (s.isDirectory()) return "a folder";
  if (s.isSymbolicLink()) return "a symbolic link";
  if (s.isFIFO()) return "a FIFO (named pipe)";
  if (s.isCharacterDevice()) return "a character device";
  if (s.isBlockDevice()) return "a block device";
  if (s.isSocket()) return "a socket";
  return "not a regular file";
}

/**
 * Opens a file for reading only when it is a regular file, and never waits to do so. Opening a FIFO
 * with no writer blocks until one comes (forever, at 3 a.m.), and opening a device can do anything:
 * so the file is looked at first (lstat, or stat when `follow`), opened with O_NONBLOCK (and
 * O_NOFOLLOW unless `follow`), and looked at again through the descriptor, in case it was swapped in
 * between. Throws NotRegularFileError, or the errno error of the open (ENOENT, ELOOP for a link).
 * The caller closes the descriptor.
 */
export function openRegular(file: string, o: { follow?: boolean } = {}): { fd: number; size: number } {
  const before = o.follow ? statSync(file) : lstatSync(file);
  if (!before.isFile()) throw new NotRegularFileError(file, kindOf(before));
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | (o.follow ? 0 : constants.O_NOFOLLOW));
  try {
    const after = fstatSync(fd);
    if (!after.isFile()) throw new NotRegularFileError(file, kindOf(after));
    return { fd, size: after.size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** A regular file's bytes, read through `openRegular` (so never a blocking open). */
export function readRegular(file: string, o: { follow?: boolean } = {}): Buffer {
  const { fd, size } = openRegular(file, o);
  try {
    const chunks: Buffer[] = [];
    // The size is a hint: a file that grows while it is read is read to its end. One byte more than
    // it, so the read that finds the end needs no buffer of its own (a 64 KiB one per file was most
    // of what `stale` over a thousand runbooks allocated).
    let buf = Buffer.allocUnsafe(size + 1);
    let at = 0;
    for (;;) {
      const n = readSync(fd, buf, at, buf.length - at, null);
      if (n === 0) break;
      at += n;
      if (at === buf.length) {
        chunks.push(buf);
        buf = Buffer.allocUnsafe(65536);
        at = 0;
      }
    }
    if (at > 0 || chunks.length === 0) chunks.push(buf.subarray(0, at));
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}
