import { createHash, randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readSync, realpathSync, renameSync, unlinkSync, writeSync, type Stats } from "node:fs";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { MAX_RUNBOOK_CHARS } from "../../model/build-runbook.js";
import { checkMarkdownLimits } from "../../model/markdown-limits.js";
import { collectFiles } from "../../system/collect.js";
import { findRoot } from "../../system/config-file.js";
import { mkdirp } from "../../system/mkdirp.js";
import { readText } from "../../system/read-runbook.js";
import { ownersOf, parseCodeowners } from "../../authoring/import/codeowners.js";
import { importId, importRunbook, type ImportReport } from "../../authoring/import/import-runbook.js";
import { collisions, decide, MANIFEST, manifestText, outputName, parseManifest, type Existing } from "../../authoring/import/out-plan.js";
import { EXIT, InputError, RunbookError, UsageError } from "../../core/errors.js";
import type { Io } from "../io.js";

interface ImportFlags {
  out?: string;
  force?: boolean;
  format: "text" | "json";
}

type Status = "created" | "replaced" | "unchanged" | "refused" | "printed";

interface Entry {
  readonly file: string;
  /** Where the result goes, relative to the output folder, with `/`. */
  readonly rel: string | undefined;
  /** The same, as the user named the folder (`out/db/a.md`). */
  readonly out: string | undefined;
  status: Status;
  refused?: string;
  readonly report: ImportReport;
}

/**
 * Converts existing Markdown runbooks into this format. One file without --out prints the result;
 * with --out every result is written under that folder, keeping the folders it came from, but never
 * over a file import did not write as it is now (see out-plan.ts), through a symbolic link, or into
 * anything but a regular file. The report (per file: steps, params, what needs a human) goes to
 * stderr, or stdout as JSON.
 */
export default async function importCommand(io: Io, source: string, flags: ImportFlags): Promise<number> {
  const info = await stat(path.resolve(io.cwd, source)).catch(() => undefined);
  if (!info) throw new UsageError(`No such file or folder: ${source}`);
  if (info.isDirectory() && !flags.out) throw new UsageError("Importing a folder writes many files: give --out <folder>");
  if (flags.force && !flags.out) throw new UsageError("--force replaces files under --out: give --out <folder>");
  const outRoot = flags.out === undefined ? undefined : path.resolve(io.cwd, flags.out);
  // Results already in the output folder (a second import of `.` into `./runbooks`) are not pages to import.
  const files = (await collectFiles([source], io.cwd)).filter((f) => !outRoot || !isInside(path.resolve(io.cwd, f), outRoot));
  const owners = await codeowners(path.resolve(io.cwd, source));
  const entries: Entry[] = [];
  const texts = new Map<Entry, string>();
  let failed = 0;
  const ids = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = await readText(file, io.cwd);
    } catch (error) {
      if (!(error instanceof RunbookError)) throw error;
      io.stderr.write(`runbook: ${error.message}\n`);
      failed++;
      continue;
    }
    // A file the Markdown parser would take far too long over is refused, as lint refuses it.
    const refused = text.length > MAX_RUNBOOK_CHARS ? `too large (over ${MAX_RUNBOOK_CHARS / 1024} KiB)` : checkMarkdownLimits(text)?.message;
    if (refused) {
      io.stderr.write(`runbook: ${file}: not imported: ${refused}\n`);
      failed++;
      continue;
    }
    const absolute = path.resolve(io.cwd, file);
    const owner = owners && ownersOf(owners.rules, path.relative(owners.root, absolute).split(path.sep).join("/"))?.[0];
    const id = importId(file, ids);
    ids.add(id);
    const result = importRunbook({ file, text, owner, id });
    let rel: string | undefined;
    if (flags.out !== undefined) {
      const relative = info.isDirectory() ? path.relative(path.resolve(io.cwd, source), absolute) : path.basename(absolute);
      rel = outputName(relative.split(path.sep).join("/"));
    }
    const entry: Entry = { file, rel, out: rel === undefined || flags.out === undefined ? undefined : path.join(flags.out, rel), status: "printed", report: result.report };
    entries.push(entry);
    texts.set(entry, result.text);
  }

  if (outRoot !== undefined && flags.out !== undefined) {
    failed += writeAll(io, entries, texts, outRoot, flags.out, flags.force === true);
  } else if (flags.format !== "json") for (const e of entries) io.stdout.write(texts.get(e) ?? "");

  if (flags.format === "json") {
    const files = entries.map(({ file, out, status, refused, report }) => ({ file, out, status, ...(refused ? { refused } : {}), report }));
    io.stdout.write(`${JSON.stringify({ files, summary: summary(entries) }, null, 2)}\n`);
  } else {
    for (const { file, out, status, report } of entries) {
      const where = out === undefined ? "" : status === "refused" ? ` → ${out} (not written)` : ` → ${out}${status === "unchanged" ? " (unchanged)" : ""}`;
      const steps = `${report.steps} ${report.steps === 1 ? "step" : "steps"}`;
      const kinds = report.steps ? ` (${report.confirm} ask first, ${report.readOnly} read-only, ${report.manual} manual)` : "";
      io.stderr.write(`${file}${where}: ${steps}${kinds}, ${report.params.length} params${report.secrets.length ? ` (${report.secrets.length} secret)` : ""}${report.env.length ? `, env ${report.env.join(" ")}` : ""}\n`);
      for (const n of report.needsHuman) io.stderr.write(`  needs a human: ${n}\n`);
      if (report.errors.length) io.stderr.write(`  lint errors left: ${report.errors.join(", ")}\n`);
    }
    const s = summary(entries);
    io.stderr.write(
      `${s.files} converted: ${s.ready} with steps and no lint error but the placeholders to fill (owner, irreversible), ${s.withoutSteps} without steps; ` +
        `${s.confirm} steps ask first (confirm), ${s.readOnly} read-only, ${s.manual} manual; ${s.secrets} secret params${s.refused ? `; ${s.refused} not written` : ""}\n`,
    );
  }
  return failed ? EXIT.usage : EXIT.ok;
}

function summary(entries: readonly Entry[]) {
  const sum = (f: (r: ImportReport) => number) => entries.reduce((n, e) => n + f(e.report), 0);
  return {
    files: entries.length,
    ready: entries.filter((e) => e.report.steps > 0 && e.report.errors.length === 0).length,
    withoutSteps: entries.filter((e) => e.report.steps === 0).length,
    confirm: sum((r) => r.confirm),
    readOnly: sum((r) => r.readOnly),
    manual: sum((r) => r.manual),
    secrets: sum((r) => r.secrets.length),
    refused: entries.filter((e) => e.status === "refused").length,
  };
}

/**
 * Writes each result under the output folder, or says why not. Two inputs that map to one output
 * are both refused. Returns how many were not written.
 */
function writeAll(io: Io, entries: Entry[], texts: ReadonlyMap<Entry, string>, root: string, shownRoot: string, force: boolean): number {
  const shown = (rel: string) => path.join(shownRoot, rel);
  const list = (xs: readonly string[]) => (xs.length === 2 ? `${xs[0]} and ${xs[1]} both` : `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)} all`);
  try {
    mkdirp(root);
  } catch (e) {
    throw new InputError(`Cannot create ${shownRoot}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const manifestAt = inspect(root, MANIFEST);
  if (manifestAt.existing.kind === "other") throw new InputError(`${shown(MANIFEST)} is ${manifestAt.existing.what}: not followed; remove it`);
  const manifest = parseManifest(manifestAt.text);
  const before = manifestText(manifest);
  let refused = 0;
  const refuse = (e: Entry, why: string, quiet = false) => {
    e.status = "refused";
    e.refused = why;
    if (!quiet) io.stderr.write(`runbook: ${e.out ?? e.file}: not written: ${why}\n`);
    refused++;
  };

  // Two inputs for one output: neither is written, since either would lose the other.
  const clashing = collisions(entries.flatMap((e) => (e.rel ? [{ file: e.file, out: e.rel }] : [])));
  const clashOf = new Map<string, string>();
  for (const [out, files] of clashing) {
    const why = `${list(files)} map to ${shown(out)}; rename all but one, or import them apart`;
    io.stderr.write(`runbook: not written: ${why}\n`);
    for (const f of files) clashOf.set(f, why);
  }

  for (const e of entries) {
    const rel = e.rel;
    if (rel === undefined) continue;
    const text = texts.get(e) ?? "";
    const clash = clashOf.get(e.file);
    if (clash) {
      refuse(e, clash, true);
      continue;
    }
    const folders = checkFolders(root, rel);
    if (folders.blocked) {
      refuse(e, `${shown(folders.blocked)} is ${folders.what}; import never follows a link: remove it`);
      continue;
    }
    const found = folders.missing ? { existing: { kind: "missing" } as const } : inspect(root, rel);
    const wanted = sha256(text);
    const d = decide(found.existing, wanted, manifest[rel], force);
    if (d.action === "refuse") {
      refuse(e, d.why);
      continue;
    }
    if (d.action !== "unchanged") {
      try {
        makeFolders(root, rel);
        writeRegular(root, rel, text);
      } catch (error) {
        refuse(e, error instanceof Error ? error.message : String(error));
        continue;
      }
    }
    e.status = d.action === "create" ? "created" : d.action === "replace" ? "replaced" : "unchanged";
    manifest[rel] = wanted;
  }
  const after = manifestText(manifest);
  if (after !== before) {
    try {
      writeRegular(root, MANIFEST, after);
    } catch (error) {
      throw new InputError(`Cannot write ${shown(MANIFEST)}: ${error instanceof Error ? error.message : String(error)}`, { hint: "The runbooks were written; without it a later import will not replace them unless --force." });
    }
  }
  return refused;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function isInside(file: string, folder: string): boolean {
  const rel = path.relative(folder, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

function what(s: Stats): string {
  if (s.isSymbolicLink()) return "a symbolic link";
  if (s.isFIFO()) return "a FIFO";
  if (s.isCharacterDevice() || s.isBlockDevice()) return "a device";
  if (s.isSocket()) return "a socket";
  if (s.isDirectory()) return "a folder";
  return "not a regular file";
}

function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** The folders between the output folder and a result: each a real folder, or missing (then so is the file). */
function checkFolders(root: string, rel: string): { blocked?: string; what?: string; missing: boolean } {
  const parts = rel.split("/").slice(0, -1);
  for (let i = 0; i < parts.length; i++) {
    const sub = parts.slice(0, i + 1).join("/");
    const s = lstatOrUndefined(path.join(root, sub));
    if (!s) return { missing: true };
    if (!s.isDirectory()) return { blocked: sub, what: what(s), missing: false };
  }
  return { missing: false };
}

/** Makes the missing folders one at a time, each checked after, so a link planted meanwhile is not used. */
function makeFolders(root: string, rel: string): void {
  const parts = rel.split("/").slice(0, -1);
  for (let i = 0; i < parts.length; i++) {
    const sub = parts.slice(0, i + 1).join("/");
    const dir = path.join(root, sub);
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new Error(`cannot create ${sub}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    const s = lstatSync(dir);
    if (!s.isDirectory()) throw new Error(`${sub} is ${what(s)}; import never follows a link`);
  }
}

/** A hand-edited runbook is kilobytes; anything past this is not what import wrote. */
const MAX_EXISTING = 16 * 1024 * 1024;

/** What is at `rel` now, read without following a link or blocking on a FIFO. */
function inspect(root: string, rel: string): { existing: Existing; text?: string } {
  const file = path.join(root, rel);
  const s = lstatOrUndefined(file);
  if (!s) return { existing: { kind: "missing" } };
  if (!s.isFile()) return { existing: { kind: "other", what: what(s) } };
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP") return { existing: { kind: "other", what: "a symbolic link" } };
    throw new InputError(`Cannot read ${rel} in the output folder: ${code ?? String(e)}`);
  }
  try {
    const f = fstatSync(fd);
    if (!f.isFile()) return { existing: { kind: "other", what: what(f) } };
    if (f.size > MAX_EXISTING) return { existing: { kind: "file", sha256: "larger than import writes" } };
    const buf = Buffer.alloc(f.size);
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, n);
      if (got === 0) break;
      n += got;
    }
    const bytes = buf.subarray(0, n);
    return { existing: { kind: "file", sha256: createHash("sha256").update(bytes).digest("hex") }, text: bytes.toString("utf8") };
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a regular file: a new temporary file beside it (O_EXCL and O_NOFOLLOW, so nothing planted
 * there is opened), flushed, then renamed over the target. rename replaces a link rather than
 * following it, and the folder is checked to be where it was, so a link planted after the checks is
 * not written through.
 */
function writeRegular(root: string, rel: string, text: string): void {
  const target = path.join(root, rel);
  const dir = path.dirname(target);
  const expected = path.join(realpathSync(root), path.dirname(rel));
  const temp = path.join(dir, `.${path.basename(rel)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666);
  } catch (e) {
    throw new Error(`cannot write in ${path.dirname(rel)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    try {
      const bytes = Buffer.from(text, "utf8");
      let n = 0;
      while (n < bytes.length) n += writeSync(fd, bytes, n, bytes.length - n);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (realpathSync(dir) !== expected) throw new Error(`${path.dirname(rel)} moved while writing; not written`);
    const now = lstatOrUndefined(target);
    if (now && !now.isFile()) throw new Error(`it is ${what(now)}; import writes regular files only and never follows a link: remove it`);
    renameSync(temp, target);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // Already renamed or never made.
    }
    throw e;
  }
}

/** The repository's CODEOWNERS, where GitHub looks for it: .github/, the root, docs/. */
async function codeowners(from: string) {
  const { root } = findRoot(existsSync(from) && (await stat(from)).isDirectory() ? from : path.dirname(from));
  for (const candidate of [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"]) {
    const file = path.join(root, candidate);
    if (existsSync(file)) return { root, rules: parseCodeowners(await readFile(file, "utf8")) };
  }
  return undefined;
}
