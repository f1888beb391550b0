import { gitStream } from "../../system/git.js";
import { closeSync, createReadStream, readSync, writeSync } from "node:fs";
import { Readable } from "node:stream";
import { openRegular } from "../../system/open-regular.js";

/**
 * A journal is never held whole, in a string or in a buffer: a run may journal more than the largest
 * string Node.js can make (0x1fffffe8 characters) between two pushes (`--offline`, a big
 * `output_limit`). Everything here reads and writes it in chunks of `chunk` bytes (1 MiB; tests pass
 * a few bytes to prove every path streams), and counts lines by counting newline bytes.
 */
export const DEFAULT_CHUNK = 1 << 20;

const NL = 0x0a;

/** Reads `length` bytes at `position` into a chunk-sized buffer; fewer at the end of the file. */
function readAt(fd: number, buf: Buffer, length: number, position: number): number {
  let n = 0;
  while (n < length) {
    const got = readSync(fd, buf, n, length - n, position + n);
    if (got === 0) break;
    n += got;
  }
  return n;
}

function withFile<T>(file: string, body: (fd: number, size: number) => T): T {
  const { fd, size } = openRegular(file);
  try {
    return body(fd, size);
  } finally {
    closeSync(fd);
  }
}

/** Bytes of a journal up to its last newline (a torn last line is not part of it); undefined when there is no such regular file. */
export function completeLength(file: string, chunk = DEFAULT_CHUNK): number | undefined {
  try {
    return withFile(file, (fd, size) => {
      const buf = Buffer.allocUnsafe(Math.min(chunk, Math.max(size, 1)));
      for (let end = size; end > 0; ) {
        const start = Math.max(0, end - buf.length);
        const n = readAt(fd, buf, end - start, start);
        const at = buf.subarray(0, n).lastIndexOf(NL);
        if (at !== -1) return start + at + 1;
        end = start;
      }
      return 0;
    });
  } catch {
    return undefined;
  }
}

/** Newlines (so complete lines) in a journal's bytes from `from` to `to`. */
export function countLines(file: string, from: number, to: number, chunk = DEFAULT_CHUNK): number {
  if (to <= from) return 0;
  return withFile(file, (fd) => {
    const buf = Buffer.allocUnsafe(Math.min(chunk, to - from));
    let lines = 0;
    for (let at = from; at < to; ) {
      const n = readAt(fd, buf, Math.min(buf.length, to - at), at);
      if (n === 0) break;
      for (let i = buf.indexOf(NL, 0); i !== -1 && i < n; i = buf.indexOf(NL, i + 1)) lines++;
      at += n;
    }
    return lines;
  });
}

/**
 * Where a segment that starts at `from` ends: after the last newline within `max` bytes (so a push
 * carries at most `max` bytes and the lease is renewed between segments), or, when one line is
 * longer than that, after that line; never past `limit`.
 */
export function segmentEnd(file: string, from: number, limit: number, max: number, chunk = DEFAULT_CHUNK): number {
  if (limit - from <= max) return limit;
  return withFile(file, (fd) => {
    const buf = Buffer.allocUnsafe(Math.min(chunk, max));
    // The last newline at or before from + max, read backwards from there.
    for (let end = from + max; end > from; ) {
      const start = Math.max(from, end - buf.length);
      const n = readAt(fd, buf, end - start, start);
      const at = buf.subarray(0, n).lastIndexOf(NL);
      if (at !== -1) return start + at + 1;
      end = start;
    }
    // One line longer than a segment: the segment is that line.
    for (let at = from + max; at < limit; ) {
      const n = readAt(fd, buf, Math.min(buf.length, limit - at), at);
      if (n === 0) break;
      const i = buf.subarray(0, n).indexOf(NL);
      if (i !== -1) return at + i + 1;
      at += n;
    }
    return limit;
  });
}

/** Bytes of a file from `from` to `to`, a chunk at a time, from a descriptor opened through openRegular. */
export function fileRange(file: string, from: number, to: number, chunk = DEFAULT_CHUNK): Readable {
  if (to <= from) return Readable.from([]);
  const { fd } = openRegular(file);
  return createReadStream("", { fd, start: from, end: to - 1, highWaterMark: chunk, autoClose: true });
}

/**
 * The contents of git objects, in order and concatenated, as a stream of chunks: one
 * `git cat-file --batch` for all of them, read as it comes. A missing object ends it with an error
 * (a chain that names an object this clone lacks is broken, not empty).
 */
export async function* objectChunks(repo: string, shas: readonly string[], chunk = DEFAULT_CHUNK): AsyncGenerator<Buffer> {
  if (shas.length === 0) return;
  const child = gitStream(repo, ["cat-file", "--batch"], { stderr: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  child.stdin.on("error", () => undefined);
  child.stdin.end(shas.map((s) => `${s}\n`).join(""));
  let pending: Buffer = Buffer.alloc(0);
  let left = -1; // bytes of the current object still to come; -1 while reading a header
  let index = 0;
  try {
    for await (const data of child.stdout as AsyncIterable<Buffer>) {
      let buf: Buffer = pending.length ? Buffer.concat([pending, data]) : data;
      pending = Buffer.alloc(0);
      while (buf.length) {
        if (left === -1) {
          const nl = buf.indexOf(NL);
          if (nl === -1) {
            // A header is short; keep it for the next read.
            pending = buf;
            break;
          }
          const header = buf.subarray(0, nl).toString("latin1");
          const m = /^\S+ \S+ (\d+)$/.exec(header);
          if (!m) throw new Error(`git object ${shas[index] ?? "?"} is missing from this clone (${header})`);
          left = Number(m[1]);
          buf = buf.subarray(nl + 1);
          continue;
        }
        if (left > 0) {
          const take = Math.min(left, buf.length, chunk);
          yield buf.subarray(0, take);
          left -= take;
          buf = buf.subarray(take);
          continue;
        }
        // The newline after an object's contents.
        buf = buf.subarray(1);
        left = -1;
        index++;
        if (index === shas.length) return;
      }
    }
    if (index < shas.length) throw new Error(`git cat-file ended before object ${shas[index] ?? "?"}`);
  } finally {
    if (child.exitCode === null) child.kill();
    await exited;
  }
}

/** Whether the first `n` bytes of the objects' contents and of the file are the same, compared a chunk at a time. */
export async function samePrefix(repo: string, shas: readonly string[], file: string, n: number, chunk = DEFAULT_CHUNK): Promise<boolean> {
  if (n === 0) return true;
  const { fd } = openRegular(file);
  try {
    const mine = Buffer.allocUnsafe(chunk);
    let at = 0;
    for await (const theirs of objectChunks(repo, shas, chunk)) {
      const take = Math.min(theirs.length, n - at);
      if (readAt(fd, mine, take, at) !== take || !mine.subarray(0, take).equals(theirs.subarray(0, take))) return false;
      at += take;
      if (at >= n) return true;
    }
    return at >= n;
  } finally {
    closeSync(fd);
  }
}

/** Writes the objects' contents, concatenated, to a descriptor; returns the bytes written. */
export async function writeObjects(repo: string, shas: readonly string[], fd: number, chunk = DEFAULT_CHUNK): Promise<number> {
  let written = 0;
  for await (const piece of objectChunks(repo, shas, chunk)) {
    for (let off = 0; off < piece.length; ) off += writeSync(fd, piece, off, piece.length - off);
    written += piece.length;
  }
  return written;
}
