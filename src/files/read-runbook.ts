import { readFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../errors.js";
import { buildRunbook } from "../model/build-runbook.js";
import type { Runbook } from "../model/types.js";

/** Reads and builds one runbook; an unreadable file is a usage error (exit 2). */
export async function readRunbook(file: string, cwd: string): Promise<Runbook> {
  const text = await readText(file, cwd);
  return buildRunbook(file, text);
}

export async function readText(file: string, cwd: string): Promise<string> {
  return (await readBytes(file, cwd)).toString("utf8");
}

/** A file's bytes; an unreadable file is a usage error (exit 2) saying why. */
export async function readBytes(file: string, cwd: string): Promise<Buffer> {
  try {
    return await readFile(path.resolve(cwd, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder" : code === "EACCES" ? "permission denied" : (code ?? String(error));
    throw new InputError(`Cannot read ${file}: ${why}`);
  }
}
