import { gitBytes, gitStream, gitToFile } from "./git.js";
import { closeSync, existsSync, mkdtempSync, openSync, readSync, realpathSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";

export interface Commit {
  readonly hash: string;
  readonly date: string;
  readonly subject: string;
}

/**
 * A repository's history as far as some files are concerned, read once: every commit in log order
 * (to tell which came after which) and, for those files, the commits that touched them.
 */
export interface RepoHistory {
  readonly root: string;
  /** The newest commit, if there is one. */
  readonly head: string | undefined;
  /**
   * A shallow clone (`actions/checkout` fetches one commit unless told `fetch-depth: 0`): a commit
   * missing from the log may be older than what was fetched, not absent from the repository.
   */
  readonly shallow: boolean;
  /** Index in the log (0 = newest) of the commit a hash or hash prefix names, if it is in the history. */
  resolve(prefix: string): number | undefined;
  /** The full hash of the commit at an index. */
  hashAt(index: number): string;
  /** Commits that touched a file (path relative to the root), newest first, with their log index. */
  touched(rel: string): ReadonlyArray<{ readonly index: number; readonly commit: Commit }>;
  relative(absoluteFile: string): string;
  /** A file's text at a commit; reads asked for together go to one `git cat-file --batch` process. */
  show(commit: string, rel: string): Promise<string | undefined>;
  /** Ends the `git cat-file` process. */
  close(): void;
}

/** Reads the history of the repository holding `dir` for these files, or undefined outside a git repository. */
export function readRepoHistory(dir: string, files: readonly string[]): Promise<RepoHistory | undefined> {
  return openRepoHistory(dir, files).history;
}

/**
 * Old versions asked for before the history is read: a file's text at a commit named by its full
 * hash, from the repository guessed from the nearest `.git`, with the path it was read at. What the
 * log later says decides whether it is the version wanted (the same path, the same commit).
 */
export type EarlyShow = (absoluteFile: string, commit: string) => Promise<{ readonly rel: string; readonly text: string | undefined } | undefined>;

/**
 * `readRepoHistory`, with a way to read old versions while `git log` runs: the `git cat-file` reader
 * starts beside the log, so the version a runbook was verified at is read (and its fingerprint
 * computed) in the time the log takes, not after it.
 */
export function openRepoHistory(dir: string, files: readonly string[]): { readonly history: Promise<RepoHistory | undefined>; readonly early: EarlyShow } {
  // Where git will say the repository is, guessed from the nearest `.git`: the log starts at once,
  // beside `rev-parse`, and is read again only when git's answer differs (GIT_DIR, say).
  const guess = nearestGitRoot(dir);
  const started = guess === undefined ? undefined : startLog(guess, files);
  const early: EarlyShow = async (file, commit) => {
    if (!started || !/^[0-9a-f]{40}$/.test(commit)) return undefined;
    const rel = started.relative(file);
    return { rel, text: await started.blobs.read(`${commit}:${rel}`) };
  };
  return { history: finishHistory(dir, files, started), early };
}

async function finishHistory(dir: string, files: readonly string[], started: StartedLog | undefined): Promise<RepoHistory | undefined> {
  const top = await git(dir, ["rev-parse", "--show-toplevel", "--is-shallow-repository"]);
  if (top.code !== 0) {
    // Nothing more will be asked of it; a read already asked still gets its answer first.
    started?.blobs.close();
    return undefined;
  }
  const [root = "", shallow] = top.stdout.toString("utf8").trim().split("\n");
  let read = started;
  if (!read || read.realRoot !== realpathSync.native(root)) {
    read?.blobs.close();
    read = startLog(root, files);
  }
  const { blobs, relative } = read;
  // No commits yet (or git failed): an empty history, not an error.
  const { commits, touched, blobs: written } = await read.log;
  const byHash = new Map(commits.map((c, i) => [c.hash, i]));
  const resolved = new Map<string, number | undefined>();
  return {
    root,
    head: commits[0]?.hash,
    shallow: shallow === "true",
    resolve: (prefix) => {
      if (!resolved.has(prefix)) resolved.set(prefix, byHash.get(prefix) ?? firstIndex(commits, prefix));
      return resolved.get(prefix);
    },
    hashAt: (index) => commits[index]!.hash,
    touched: (rel) => touched.get(rel) ?? [],
    relative,
    show: (commit, rel) => {
      const blob = written.get(`${commit}\0${rel}`);
      if (blob === undefined) return blobs.read(`${commit}:${rel}`);
      return /^0+$/.test(blob) ? Promise.resolve(undefined) : blobs.read(blob);
    },
    close: () => blobs.close(),
  };
}

/**
 * One `git log --raw -z` in `root` (each file a commit touched, with the blob it left), its file
 * lists limited to the folder the files share (`--relative`), which spares git the rest of each tree
 * without a pathspec's second pass. History is read because some runbook records a verified commit,
 * so an old version is read next: the `git cat-file` reader starts beside the log, not after it.
 */
function startLog(root: string, files: readonly string[]): StartedLog {
  const realRoot = realpathSync.native(root);
  // Each file's path is asked for two or three times (the early read, the plan): resolved once.
  const known = new Map<string, string>();
  const relative = (file: string) => {
    let rel = known.get(file);
    if (rel === undefined) known.set(file, (rel = relativeTo(realRoot, file)));
    return rel;
  };
  const folder = sharedFolder(files.map(relative));
  const blobs = new BlobReader(root);
  const log = fileLog(root, ["log", "--no-renames", "--raw", "--no-abbrev", "-z", "--format=%x1e%H%x1f%cI%x1f%s", ...(folder ? [`--relative=${folder}/`] : [])], folder);
  return { realRoot, folder, log, blobs, relative };
}

interface StartedLog {
  readonly realRoot: string;
  readonly folder: string;
  readonly log: Promise<ParsedLog>;
  readonly blobs: BlobReader;
  readonly relative: (absoluteFile: string) => string;
}

interface ParsedLog {
  /** Newest first. */
  readonly commits: readonly Commit[];
  /** By path from the root: the commits that touched it, newest first, with their index in `commits`. */
  readonly touched: ReadonlyMap<string, Array<{ index: number; commit: Commit }>>;
  /**
   * The blob a commit that touched a file left it as, by `hash NUL path`: that version is read by its
   * id, without git walking the commit's trees to the path (all zeros: the commit removed it).
   */
  readonly blobs: ReadonlyMap<string, string>;
}

/**
 * The log, written by git to a private temporary file and parsed once git is done. Not a pipe:
 * while git logs, this process reads the runbooks and judges their verified versions, and a pipe it
 * is too busy to drain stops git (the log took twice as long that way). Read a chunk at a time, so
 * a long history is never one string. A git that fails (no commits yet) is an empty history.
 */
async function fileLog(root: string, args: readonly string[], folder: string): Promise<ParsedLog> {
  const log = new LogParser(folder);
  const dir = mkdtempSync(path.join(os.tmpdir(), "runbook-log-"));
  try {
    const fd = openSync(path.join(dir, "log"), "wx+", 0o600);
    try {
      if ((await gitToFile(root, args, fd)) !== 0) return log.done();
      const decoder = new StringDecoder("utf8");
      const chunk = Buffer.alloc(1 << 20);
      for (let at = 0, n; (n = readSync(fd, chunk, 0, chunk.length, at)) > 0; at += n) log.write(decoder.write(chunk.subarray(0, n)));
      log.write(decoder.end());
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return log.done();
}

/**
 * `git log --raw -z` parsed as it is read. Each commit is `\x1e` hash `\x1f` date `\x1f` subject,
 * `\0`, then for each file it touched `:<mode> <mode> <old blob> <new blob> <status>` and its path,
 * each ended by `\0`.
 */
class LogParser {
  readonly #commits: Commit[] = [];
  readonly #touched = new Map<string, Array<{ index: number; commit: Commit }>>();
  readonly #blobs = new Map<string, string>();
  #rest = "";

  constructor(readonly folder: string) {}

  write(text: string): void {
    const all = this.#rest + text;
    // The last commit may go on in the next chunk: kept until the next one starts.
    const last = all.lastIndexOf("\x1e");
    if (last <= 0) {
      this.#rest = all;
      return;
    }
    for (const entry of all.slice(0, last).split("\x1e")) this.#take(entry);
    this.#rest = all.slice(last);
  }

  done(): ParsedLog {
    for (const entry of this.#rest.split("\x1e")) this.#take(entry);
    this.#rest = "";
    return { commits: this.#commits, touched: this.#touched, blobs: this.#blobs };
  }

  #take(entry: string): void {
    const end = entry.indexOf("\0");
    if (end === -1) return;
    const [hash = "", date = "", subject = ""] = entry.slice(0, end).split("\x1f");
    const commit = { hash, date, subject };
    const index = this.#commits.push(commit) - 1;
    const fields = entry.slice(end + 1).replace(/^\n/, "").split("\0");
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const name = fields[i + 1]!;
      if (!name) continue;
      const rel = this.folder ? `${this.folder}/${name}` : name;
      const list = this.#touched.get(rel);
      if (list) list.push({ index, commit });
      else this.#touched.set(rel, [{ index, commit }]);
      const blob = fields[i]!.split(" ")[3];
      if (blob) this.#blobs.set(`${hash}\0${rel}`, blob);
    }
  }
}

/** A file's path from the repository's root, with `/`, through symbolic links. */
function relativeTo(realRoot: string, file: string): string {
  let abs = path.resolve(file);
  try {
    // The native call: one system call, where the JavaScript one lstat()s every folder on the way.
    abs = realpathSync.native(abs);
  } catch {
    // a file that is gone keeps its given path
  }
  return path.relative(realRoot, abs).split(path.sep).join("/");
}

/** The nearest folder at or above `dir` holding a `.git` (a folder, or a worktree's file). */
function nearestGitRoot(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, ".git"))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** The first commit in log order whose hash starts with an abbreviation. */
function firstIndex(commits: readonly Commit[], prefix: string): number | undefined {
  const i = commits.findIndex((c) => c.hash.startsWith(prefix));
  return i === -1 ? undefined : i;
}

/** The deepest folder holding every file inside the repository ("" for the root). */
function sharedFolder(rels: readonly string[]): string {
  const inside = rels.filter((r) => r !== "" && r !== ".." && !r.startsWith("../"));
  if (inside.length === 0) return "";
  let shared = path.posix.dirname(inside[0]!).split("/");
  for (const r of inside) {
    const parts = path.posix.dirname(r).split("/");
    let n = 0;
    while (n < shared.length && n < parts.length && shared[n] === parts[n]) n++;
    shared = shared.slice(0, n);
  }
  return shared.filter((p) => p !== ".").join("/");
}

/** The whole output is wanted at once here (a history is parsed whole): the adapter's buffered call. */
async function git(cwd: string, args: readonly string[]): Promise<{ code: number; stdout: Buffer }> {
  const r = await gitBytes(cwd, args);
  return { code: r.code, stdout: r.stdout };
}

/**
 * One `git cat-file --batch` for a whole run. Requests made in the same turn of the event loop are
 * written in one go; answers come back in order, each a header line and the object's bytes.
 */
class BlobReader {
  readonly #child;
  readonly #waiting: Array<(text: string | undefined) => void> = [];
  #pending: string[] = [];
  /** What came in and is not yet an answer, and how many bytes the next answer needs. */
  #chunks: Buffer[] = [];
  #have = 0;
  #need = 1;

  constructor(root: string) {
    this.#child = gitStream(root, ["cat-file", "--batch"], { stderr: "ignore" });
    this.#child.stdout.on("data", (chunk: Buffer) => this.#take(chunk));
    // A git that is gone answers nothing more: every read still waiting gets "no such version".
    const fail = () => this.#waiting.splice(0).forEach((w) => w(undefined));
    this.#child.on("error", fail);
    this.#child.on("close", fail);
    this.#child.stdin.on("error", fail);
  }

  read(name: string): Promise<string | undefined> {
    // The protocol is one name per line: a path with a newline cannot be asked for.
    if (name.includes("\n")) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      if (this.#pending.length === 0) setImmediate(() => this.#flush());
      this.#pending.push(`${name}\n`);
      this.#waiting.push(resolve);
    });
  }

  close(): void {
    this.#child.stdin.end();
  }

  #flush(): void {
    const lines = this.#pending.join("");
    this.#pending = [];
    this.#child.stdin.write(lines);
  }

  #take(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#have += chunk.length;
    // A large blob arrives in many chunks: join them once, when all of it is here.
    if (this.#have < this.#need) return;
    let buf = this.#chunks.length === 1 ? chunk : Buffer.concat(this.#chunks);
    for (;;) {
      const nl = buf.indexOf(10);
      if (nl === -1) return this.#keep(buf, buf.length + 1);
      const m = /^\S+ (\S+) (\d+)$/.exec(buf.subarray(0, nl).toString("latin1"));
      if (!m) {
        // "<name> missing" or "ambiguous": no body follows.
        buf = buf.subarray(nl + 1);
        this.#waiting.shift()?.(undefined);
        continue;
      }
      const end = nl + 1 + Number(m[2]);
      if (buf.length < end + 1) return this.#keep(buf, end + 1);
      this.#waiting.shift()?.(m[1] === "blob" ? buf.toString("utf8", nl + 1, end) : undefined);
      buf = buf.subarray(end + 1);
    }
  }

  #keep(rest: Buffer, need: number): void {
    this.#chunks = rest.length ? [rest] : [];
    this.#have = rest.length;
    this.#need = need;
  }
}
