import path from "node:path";
import { startOf } from "../../check/diagnostic.js";
import { collectFiles } from "../../system/collect.js";
import { loadProjectConfig } from "../project-config.js";
import { readText } from "../../system/read-runbook.js";
import { replaceFile } from "../../system/write-atomic.js";
import { formatRunbook } from "../../authoring/format-runbook.js";
import { EXIT, RunbookError } from "../../core/errors.js";
import type { Io } from "../io.js";

interface FmtFlags {
  check?: boolean;
  config?: string;
}

/**
 * Writes each runbook in canonical form, or with --check lists those that are not (exit 1).
 * A file that cannot be read or whose structure is broken is reported and left alone (exit 2).
 */
export default async function fmt(io: Io, paths: string[], flags: FmtFlags): Promise<number> {
  const { config } = await loadProjectConfig(io.cwd, flags.config);
  const files = await collectFiles(paths.length ? paths : (config.runbooks ?? []), io.cwd);
  const wouldChange: string[] = [];
  let failed = 0;
  for (const file of files) {
    let result;
    try {
      result = formatRunbook(await readText(file, io.cwd));
    } catch (error) {
      if (!(error instanceof RunbookError)) throw error;
      io.stderr.write(`runbook: ${error.message}\n`);
      failed++;
      continue;
    }
    if ("refused" in result) {
      const at = startOf(result.refused.place);
      io.stderr.write(`${file}:${at.line}:${at.column}: not formatted: ${result.refused.message} (${result.refused.ruleId})\n`);
      failed++;
      continue;
    }
    if (!result.changed) continue;
    wouldChange.push(file);
    if (!flags.check) {
      await replaceFile(path.resolve(io.cwd, file), result.output).catch((e: NodeJS.ErrnoException) => {
        throw new RunbookError(`Cannot write ${file}: ${e.code ?? e.message}`);
      });
    }
  }
  for (const file of wouldChange) io.stdout.write(`${file}\n`);
  const verb = flags.check ? "would be reformatted" : "reformatted";
  io.stderr.write(`${wouldChange.length} of ${files.length} ${files.length === 1 ? "file" : "files"} ${verb}${failed ? `, ${failed} left alone` : ""}\n`);
  if (failed) return EXIT.usage;
  return flags.check && wouldChange.length ? EXIT.findings : EXIT.ok;
}
