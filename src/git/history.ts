import { execa } from "execa";
import { realpathSync } from "node:fs";
import path from "node:path";
import { simpleGit } from "simple-git";

export interface Commit {
  readonly hash: string;
  readonly date: string;
  readonly subject: string;
}

/** The repository's history, read once: which commits touched which file, newest first. */
export interface RepoHistory {
  readonly root: string;
  readonly commits: readonly Commit[];
  /** Path relative to the root → indices into `commits`, newest first. */
  readonly touched: ReadonlyMap<string, readonly number[]>;
  /** Full hash of a commit given by a prefix, if it is in the history. */
  resolve(prefix: string): number | undefined;
  relative(absoluteFile: string): string;
  /** File contents at commits, fetched through one `git cat-file --batch` process. */
  show(requests: ReadonlyArray<{ commit: string; file: string }>): Promise<Map<string, string | undefined>>;
}

/** Reads the history of the repository holding `dir`, or undefined outside a git repository. */
export async function readRepoHistory(dir: string): Promise<RepoHistory | undefined> {
  const git = simpleGit(dir);
  let root: string;
  try {
    if (!(await git.checkIsRepo())) return undefined;
    root = (await git.revparse(["--show-toplevel"])).trim();
  } catch {
    return undefined;
  }
  let raw = "";
  try {
    raw = await git.raw(["log", "--no-renames", "--name-only", "--format=%x1e%H%x1f%cI%x1f%s"]);
  } catch {
    raw = ""; // a repository with no commits yet
  }
  const commits: Commit[] = [];
  const touched = new Map<string, number[]>();
  for (const entry of raw.split("\x1e")) {
    if (!entry.trim()) continue;
    const [header = "", ...files] = entry.split("\n");
    const [hash = "", date = "", subject = ""] = header.split("\x1f");
    const index = commits.push({ hash, date, subject }) - 1;
    for (const f of files) {
      if (!f) continue;
      const list = touched.get(f);
      if (list) list.push(index);
      else touched.set(f, [index]);
    }
  }
  const realRoot = realpathSync(root);
  return {
    root,
    commits,
    touched,
    resolve: (prefix) => {
      const i = commits.findIndex((c) => c.hash.startsWith(prefix));
      return i === -1 ? undefined : i;
    },
    relative: (file) => {
      let abs = path.resolve(file);
      try {
        abs = realpathSync(abs);
      } catch {
        // a file that is gone keeps its given path
      }
      return path.relative(realRoot, abs).split(path.sep).join("/");
    },
    show: (requests) => catFiles(root, requests),
  };
}

async function catFiles(root: string, requests: ReadonlyArray<{ commit: string; file: string }>): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  if (requests.length === 0) return out;
  const input = requests.map((r) => `${r.commit}:${r.file}\n`).join("");
  const result = await execa("git", ["cat-file", "--batch"], { cwd: root, input, encoding: "buffer", reject: false, maxBuffer: 1024 * 1024 * 1024 });
  const buf = Buffer.from(result.stdout as Uint8Array);
  let at = 0;
  for (const r of requests) {
    const nl = buf.indexOf(10, at);
    if (nl === -1) break;
    const header = buf.subarray(at, nl).toString();
    at = nl + 1;
    const m = /^\S+ (\S+) (\d+)$/.exec(header);
    if (!m) {
      out.set(`${r.commit}:${r.file}`, undefined);
      continue;
    }
    const size = Number(m[2]);
    out.set(`${r.commit}:${r.file}`, m[1] === "blob" ? buf.subarray(at, at + size).toString("utf8") : undefined);
    at += size + 1;
  }
  return out;
}
