import { readFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";

/**
 * A file's bytes; an unreadable file is a usage error (exit 2) saying why. Read synchronously: for
 * runbooks (kilobytes), one blocking read costs less than the four thread-pool round trips of
 * `fs.promises.readFile`, which dominated reading a thousand of them.
 */
export async function readBytes(file: string, cwd: string): Promise<Buffer> {
  try {
    return readFileSync(path.resolve(cwd, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder" : code === "EACCES" ? "permission denied" : (code ?? String(error));
    throw new InputError(`Cannot read ${file}: ${why}`);
  }
}
