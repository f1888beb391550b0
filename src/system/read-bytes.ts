import path from "node:path";
import { InputError } from "../core/errors.js";
import { NotRegularFileError, readRegular } from "./open-regular.js";

/**
 * A file's bytes; an unreadable file is a usage error (exit 2) saying why. Read synchronously: for
 * runbooks (kilobytes), one blocking read costs less than the four thread-pool round trips of
 * `fs.promises.readFile`, which dominated reading a thousand of them. Only a regular file is read (a
 * link to one is followed): a FIFO or a device is refused, never waited on.
 */
export async function readBytes(file: string, cwd: string): Promise<Buffer> {
  try {
    return readRegular(path.resolve(cwd, file), { follow: true });
  } catch (error) {
    if (error instanceof NotRegularFileError) throw new InputError(`Cannot read ${file}: ${error.kind === "a folder" ? "is a folder" : `not a regular file (${error.kind})`}`);
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder" : code === "EACCES" ? "permission denied" : (code ?? String(error));
    throw new InputError(`Cannot read ${file}: ${why}`);
  }
}
