import { buildRunbook } from "../model/build-runbook.js";
import type { Runbook } from "../model/types.js";
import { readBytes } from "./read-bytes.js";

/** Reads and builds one runbook; an unreadable file is a usage error (exit 2). */
export async function readRunbook(file: string, cwd: string): Promise<Runbook> {
  const text = await readText(file, cwd);
  return buildRunbook(file, text);
}

export async function readText(file: string, cwd: string): Promise<string> {
  return (await readBytes(file, cwd)).toString("utf8");
}
