import { readFile, writeFile } from "node:fs/promises";
import type { LintOutcome } from "../../src/check/batch/protocol.js";

/**
 * Rewrites every cached message, so that a result read from the cache shows: what the next run
 * prints says where each file's result came from.
 */
export async function markCache(file: string): Promise<void> {
  const lines = (await readFile(file, "utf8")).split("\n");
  const marked = lines.map((line, i) => {
    if (i === 0 || !line) return line;
    const [key, rel, json] = line.split("\t") as [string, string, string];
    const outcome = JSON.parse(json) as LintOutcome;
    return [key, rel, JSON.stringify({ ...outcome, diagnostics: outcome.diagnostics.map((d) => ({ ...d, message: `CACHED ${d.message}` })) })].join("\t");
  });
  await writeFile(file, marked.join("\n"));
}

