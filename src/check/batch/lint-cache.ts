import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mkdirp } from "../../system/mkdirp.js";
import { readRegular } from "../../system/open-regular.js";
import { packageFile } from "../../system/package-file.js";
import { ensureStateSubdir, stateDirOf } from "../../state/state-dir.js";
import type { Deps, LintOutcome } from "./protocol.js";

/** Bumped when what an entry holds changes shape. */
const FORMAT = 1;
export const CACHE_FILE = "lint-cache.jsonl";

/**
 * Lint results by content: an entry is found by the file's path (relative to the project root) and
 * holds a key, the hash of the tool's version, the config's part in results, the file's name and its
 * bytes. Nothing in the key is machine-specific, so CI can save the file and restore it elsewhere;
 * what a result read from the machine (PATH lookups, today, git history) is kept beside it and
 * checked again before the entry counts.
 *
 * The file is JSON Lines: a header, then `key<TAB>"path"<TAB>result` per file. A line that does not
 * read is skipped, and a file that does not read is an empty cache. Entries are held as their text
 * and parsed only when looked up.
 */
export class LintCache {
  readonly #file: string;
  readonly #makeFolder: () => void;
  readonly #salt: string;
  readonly #root: string;
  readonly #entries: Map<string, { key: string; json: string }>;
  readonly #seen = new Set<string>();
  #changed = false;

  private constructor(where: CacheLocation, salt: string, root: string, entries: Map<string, { key: string; json: string }>, changed: boolean) {
    this.#file = where.file;
    this.#makeFolder = where.makeFolder;
    this.#salt = salt;
    this.#root = root;
    this.#entries = entries;
    this.#changed = changed;
  }

  /** Reads the cache (a missing or unreadable one is empty). `root` is what paths are relative to. */
  static async open(where: CacheLocation, root: string, salt: string): Promise<LintCache> {
    const entries = new Map<string, { key: string; json: string }>();
    // In the state folder: a FIFO or a device there is an empty cache, never a read that waits.
    const text = readCacheText(where.file);
    const lines = text.split("\n");
    const header = lines[0] ?? "";
    const usable = header === headerLine(salt);
    if (usable) {
      for (let i = 1; i < lines.length; i++) {
        const line = lines[i]!;
        const a = line.indexOf("\t");
        const b = line.indexOf("\t", a + 1);
        if (a <= 0 || b === -1) continue;
        try {
          const rel = JSON.parse(line.slice(a + 1, b)) as unknown;
          if (typeof rel === "string") entries.set(rel, { key: line.slice(0, a), json: line.slice(b + 1) });
        } catch {
          // a torn or edited line: that file is linted again
        }
      }
    }
    // A cache made by another version or config is replaced at the next save.
    return new LintCache(where, salt, root, entries, !usable && text !== "");
  }

  /** Relative to the project root, with `/`: the same on every machine. */
  relative(absolute: string): string {
    return path.relative(this.#root, absolute).split(path.sep).join("/");
  }

  has(rel: string): boolean {
    return this.#entries.has(rel);
  }

  keyOf(file: string, bytes: Uint8Array): string {
    return createHash("sha256").update(this.#salt).update("\0").update(file).update("\0").update(bytes).digest("hex").slice(0, 40);
  }

  /** The cached result for a file whose key matches, if its text still reads as one. */
  get(rel: string, key: string): LintOutcome | undefined {
    this.#seen.add(rel);
    const entry = this.#entries.get(rel);
    if (!entry || entry.key !== key) return undefined;
    try {
      const outcome = JSON.parse(entry.json) as LintOutcome;
      return outcome?.kind === "lint" && Array.isArray(outcome.diagnostics) && typeof outcome.deps === "object" && outcome.deps !== null ? outcome : undefined;
    } catch {
      return undefined;
    }
  }

  set(rel: string, key: string, outcome: LintOutcome): void {
    this.#seen.add(rel);
    this.#entries.set(rel, { key, json: JSON.stringify(outcome) });
    this.#changed = true;
  }

  /**
   * Writes the cache if anything changed, through a temporary file and a rename, so a reader never
   * sees half of it. Entries of files not linted this time stay while their file exists. A cache
   * that cannot be written (a read-only checkout) is not an error: the next run lints again.
   */
  async save(): Promise<void> {
    for (const rel of this.#entries.keys()) {
      if (this.#seen.has(rel)) continue;
      if (!(await stat(path.resolve(this.#root, rel)).then(() => true, () => false))) {
        this.#entries.delete(rel);
        this.#changed = true;
      }
    }
    if (!this.#changed) return;
    const lines = [headerLine(this.#salt)];
    for (const [rel, { key, json }] of this.#entries) lines.push(`${key}\t${JSON.stringify(rel)}\t${json}`);
    const tmp = `${this.#file}.${process.pid}.tmp`;
    try {
      this.#makeFolder();
      await writeFile(tmp, `${lines.join("\n")}\n`);
      await rename(tmp, this.#file);
    } catch {
      await unlink(tmp).catch(() => undefined);
    }
  }
}

function headerLine(salt: string): string {
  return JSON.stringify({ runbookLintCache: FORMAT, salt });
}

/**
 * What every entry's key starts from: the format, the tool's version, and the config's part in
 * results. A checkout of runbook (sources beside the build) is rebuilt without a new version, so
 * there the build's time counts too; an installed package is the same on every machine.
 */
export function cacheSalt(version: string, config: { rules?: unknown; review_every?: unknown }): string {
  const here = fileURLToPath(import.meta.url);
  const checkout = existsSync(packageFile("src"));
  const build = checkout ? String(statSync(here).mtimeMs) : "";
  return createHash("sha256").update(JSON.stringify([FORMAT, version, build, config.rules ?? {}, config.review_every ?? null])).digest("hex").slice(0, 32);
}

/**
 * Where the cache lives: `--cache-location` (a file, or a folder to hold `lint-cache.jsonl`), else
 * `cache/lint-cache.jsonl` in the state folder, which ignores itself in git.
 */
export function cacheLocation(opts: { location: string | undefined; cwd: string; env: Readonly<Record<string, string | undefined>>; root: string; stateDir: string | undefined }): CacheLocation {
  if (opts.location !== undefined) {
    const given = path.resolve(opts.cwd, opts.location);
    const folder = /[\\/]$/.test(opts.location) || (existsSync(given) && statSync(given).isDirectory());
    const file = folder ? path.join(given, CACHE_FILE) : given;
    return { file, makeFolder: () => void mkdirp(path.dirname(file)) };
  }
  const state = stateDirOf(opts.env, opts.root, opts.stateDir, opts.cwd);
  const folder = path.join(state, "cache");
  return { file: path.join(folder, CACHE_FILE), makeFolder: () => void ensureStateSubdir(state, folder) };
}

export interface CacheLocation {
  readonly file: string;
  /** Makes the folder the file goes in, when the cache is first written. */
  readonly makeFolder: () => void;
}

/** Whether what a cached result read from the machine still reads the same. */
export async function depsHold(deps: Deps, now: { today: string; commandExists: (name: string) => boolean; historyDigest: (commit: string) => Promise<string> }): Promise<boolean> {
  if (deps.today !== undefined && deps.today !== now.today) return false;
  for (const [name, found] of Object.entries(deps.commands ?? {})) if (now.commandExists(name) !== found) return false;
  if (deps.history && (await now.historyDigest(deps.history.commit)) !== deps.history.digest) return false;
  return true;
}

function readCacheText(file: string): string {
  try {
    return readRegular(file, { follow: true }).toString("utf8");
  } catch {
    return "";
  }
}
