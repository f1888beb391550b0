import { chmod, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Replaces a file's content through a temporary file and a rename, keeping its mode, so a crash or
 * a full disk mid-write leaves the old text or the new one, never half of each.
 */
export async function replaceFile(file: string, text: string): Promise<void> {
  const { mode } = await stat(file);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await writeFile(temp, text, { flag: "wx", mode });
  await chmod(temp, mode);
  await rename(temp, file);
}
