import { MAX_RUNBOOK_CHARS } from "../../model/build-runbook.js";
import { checkMarkdownLimits } from "../../parse/markdown-limits.js";
import { existsSync } from "node:fs";
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { collectFiles } from "../../files/collect.js";
import { findRoot } from "../../files/config.js";
import { mkdirp } from "../../files/mkdirp.js";
import { readText } from "../../files/read-runbook.js";
import { ownersOf, parseCodeowners } from "../../import/codeowners.js";
import { importId, importRunbook, type ImportReport } from "../../import/import-runbook.js";
import { EXIT, RunbookError, UsageError } from "../../errors.js";
import type { Io } from "../io.js";

interface ImportFlags {
  out?: string;
  format: "text" | "json";
}

/**
 * Converts existing Markdown runbooks into this format. One file without --out prints the result;
 * with --out every result is written under that folder, keeping the folders it came from.
 * The report (per file: steps, params, what needs a human) goes to stderr, or stdout as JSON.
 */
export default async function importCommand(io: Io, source: string, flags: ImportFlags): Promise<number> {
  const info = await stat(path.resolve(io.cwd, source)).catch(() => undefined);
  if (!info) throw new UsageError(`No such file or folder: ${source}`);
  if (info.isDirectory() && !flags.out) throw new UsageError("Importing a folder writes many files: give --out <folder>");
  const files = await collectFiles([source], io.cwd);
  const owners = await codeowners(io.cwd, path.resolve(io.cwd, source));
  const reports: { file: string; out: string | undefined; report: ImportReport }[] = [];
  let unreadable = 0;
  const ids = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = await readText(file, io.cwd);
    } catch (error) {
      if (!(error instanceof RunbookError)) throw error;
      io.stderr.write(`runbook: ${error.message}\n`);
      unreadable++;
      continue;
    }
    // A file the Markdown parser would take far too long over is refused, as lint refuses it.
    const refused = text.length > MAX_RUNBOOK_CHARS ? `too large (over ${MAX_RUNBOOK_CHARS / 1024} KiB)` : checkMarkdownLimits(text)?.message;
    if (refused) {
      io.stderr.write(`runbook: ${file}: not imported: ${refused}\n`);
      unreadable++;
      continue;
    }
    const absolute = path.resolve(io.cwd, file);
    const owner = owners && ownersOf(owners.rules, path.relative(owners.root, absolute).split(path.sep).join("/"))?.[0];
    const id = importId(file, ids);
    ids.add(id);
    const result = importRunbook({ file, text, owner, id });
    let out: string | undefined;
    if (flags.out) {
      const relative = info.isDirectory() ? path.relative(path.resolve(io.cwd, source), absolute) : path.basename(absolute);
      out = path.join(flags.out, relative.replace(/(\.html)?\.md(\.erb)?$/i, ".md"));
      mkdirp(path.dirname(path.resolve(io.cwd, out)));
      await writeFile(path.resolve(io.cwd, out), result.text).catch((e: NodeJS.ErrnoException) => {
        throw new RunbookError(`Cannot write ${out}: ${e.code ?? e.message}`);
      });
    } else if (flags.format !== "json") io.stdout.write(result.text);
    reports.push({ file, out, report: result.report });
  }

  if (flags.format === "json") io.stdout.write(`${JSON.stringify({ files: reports, summary: summary(reports) }, null, 2)}\n`);
  else {
    for (const { file, out, report } of reports) {
      const steps = `${report.steps} ${report.steps === 1 ? "step" : "steps"}`;
      const kinds = report.steps ? ` (${report.confirm} ask first, ${report.readOnly} read-only, ${report.manual} manual)` : "";
      io.stderr.write(`${file}${out ? ` → ${out}` : ""}: ${steps}${kinds}, ${report.params.length} params${report.secrets.length ? ` (${report.secrets.length} secret)` : ""}${report.env.length ? `, env ${report.env.join(" ")}` : ""}\n`);
      for (const n of report.needsHuman) io.stderr.write(`  needs a human: ${n}\n`);
      if (report.errors.length) io.stderr.write(`  lint errors left: ${report.errors.join(", ")}\n`);
    }
    const s = summary(reports);
    io.stderr.write(
      `${s.files} converted: ${s.ready} with steps and no lint error but the placeholders to fill (owner, irreversible), ${s.withoutSteps} without steps; ` +
        `${s.confirm} steps ask first (confirm), ${s.readOnly} read-only, ${s.manual} manual; ${s.secrets} secret params\n`,
    );
  }
  return unreadable ? EXIT.usage : EXIT.ok;
}

function summary(reports: readonly { report: ImportReport }[]) {
  const sum = (f: (r: ImportReport) => number) => reports.reduce((n, e) => n + f(e.report), 0);
  return {
    files: reports.length,
    ready: reports.filter((r) => r.report.steps > 0 && r.report.errors.length === 0).length,
    withoutSteps: reports.filter((r) => r.report.steps === 0).length,
    confirm: sum((r) => r.confirm),
    readOnly: sum((r) => r.readOnly),
    manual: sum((r) => r.manual),
    secrets: sum((r) => r.secrets.length),
  };
}

/** The repository's CODEOWNERS, where GitHub looks for it: .github/, the root, docs/. */
async function codeowners(cwd: string, from: string) {
  const { root } = findRoot(existsSync(from) && (await stat(from)).isDirectory() ? from : path.dirname(from));
  for (const candidate of [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"]) {
    const file = path.join(root, candidate);
    if (existsSync(file)) return { root, rules: parseCodeowners(await readFile(file, "utf8")) };
  }
  void cwd;
  return undefined;
}
