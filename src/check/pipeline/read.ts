import path from "node:path";
import { RunbookError } from "../../core/errors.js";
import { readBytes } from "../../system/read-bytes.js";

/** A file as read: its name as the report gives it, where it is, and its bytes. */
export interface Source {
  readonly file: string;
  readonly absolute: string;
  readonly bytes: Buffer;
}

/** A file that could not be read, and why: said on stderr, and the exit code is a usage error. */
export interface Unreadable {
  readonly file: string;
  readonly unreadable: string;
}

/** Stage 2, read: a file's bytes, or why they cannot be had (a folder, a FIFO, gone, no permission). */
export async function readSource(file: string, cwd: string): Promise<Source | Unreadable> {
  try {
    return { file, absolute: path.resolve(cwd, file), bytes: await readBytes(file, cwd) };
  } catch (error) {
    if (error instanceof RunbookError) return { file, unreadable: error.message };
    throw error;
  }
}
