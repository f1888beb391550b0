import { gitBytes, gitOk, git } from "../../system/git.js";

// The refs and objects of shared runs, through the one git adapter (system/git.ts).

/** The commit a ref points at, or undefined. */
export async function refSha(cwd: string, ref: string): Promise<string | undefined> {
  const r = await git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** Refs under a prefix, with the commit each points at. */
export async function refsUnder(cwd: string, prefix: string): Promise<Map<string, string>> {
  const [refs] = await refsUnderEach(cwd, [prefix]);
  return shasOf(refs);
}

/** Refs found by `refsUnderEach`, with only the commit each points at. */
export function shasOf(refs: ReadonlyMap<string, RefAt>): Map<string, string> {
  return new Map([...refs].map(([name, r]) => [name, r.sha]));
}

/**
 * Refs under each of several prefixes, in one look (one git process): for each prefix, the names
 * under it (without the prefix) with the commit each points at and its subject line.
 */
export async function refsUnderEach<const P extends readonly string[]>(cwd: string, prefixes: P): Promise<{ [K in keyof P]: Map<string, RefAt> }> {
  const out = await gitOk(cwd, ["for-each-ref", "--format=%(refname) %(objectname) %(subject)", ...prefixes]);
  const found = prefixes.map(() => new Map<string, RefAt>());
  for (const line of out.split("\n")) {
    const [name, sha, ...subject] = line.split(" ");
    if (!name || !sha) continue;
    // The longest prefix it is under (one prefix may hold another).
    let at = -1;
    prefixes.forEach((p, i) => {
      if (name.startsWith(p) && (at === -1 || p.length > prefixes[at]!.length)) at = i;
    });
    if (at !== -1) found[at]!.set(name.slice(prefixes[at]!.length), { sha, subject: subject.join(" ") });
  }
  return found as { [K in keyof P]: Map<string, RefAt> };
}

/** Where a ref points, and that commit's subject line. */
export interface RefAt {
  readonly sha: string;
  readonly subject: string;
}

/** Objects' contents by sha, through one `git cat-file --batch`. */
export async function readObjects(cwd: string, names: readonly string[]): Promise<Map<string, Buffer | undefined>> {
  const out = new Map<string, Buffer | undefined>();
  if (names.length === 0) return out;
  const r = await gitBytes(cwd, ["cat-file", "--batch"], { input: names.map((n) => `${n}\n`).join("") });
  const buf = r.stdout;
  let at = 0;
  for (const name of names) {
    const nl = buf.indexOf(10, at);
    if (nl === -1) break;
    const m = /^\S+ (\S+) (\d+)$/.exec(buf.subarray(at, nl).toString());
    at = nl + 1;
    if (!m) {
      out.set(name, undefined);
      continue;
    }
    const size = Number(m[2]);
    out.set(name, buf.subarray(at, at + size));
    at += size + 1;
  }
  return out;
}

export async function isAncestor(cwd: string, older: string, newer: string): Promise<boolean> {
  return (await git(cwd, ["merge-base", "--is-ancestor", older, newer])).code === 0;
}

/** Several refs, each named exactly, in one look: ref → commit (absent ones are left out). */
export async function refShas(cwd: string, refs: readonly string[]): Promise<Map<string, string>> {
  const out = await gitOk(cwd, ["for-each-ref", "--format=%(refname) %(objectname)", ...refs]);
  const found = new Map<string, string>();
  for (const line of out.split("\n")) {
    const [name, sha] = line.split(" ");
    // for-each-ref matches patterns by prefix: keep only the exact names asked for.
    if (name && sha && refs.includes(name)) found.set(name, sha);
  }
  return found;
}

/** Moves refs in this clone in one transaction, with a reflog message. */
export async function updateRefs(cwd: string, message: string, updates: ReadonlyArray<readonly [ref: string, sha: string]>): Promise<void> {
  if (updates.length === 0) return;
  await gitOk(cwd, ["update-ref", "-m", message, "--stdin"], { input: updates.map(([ref, sha]) => `update ${ref} ${sha}\n`).join("") });
}
