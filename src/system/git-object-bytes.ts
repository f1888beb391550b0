import { createHash } from "node:crypto";

/**
 * Git's object encoding (SHA-1 repositories), as `git hash-object`, `mktree` and `commit-tree` write
 * it: pure, so each is tested byte for byte against git itself (test/system/git-objects.test.ts).
 */

/** `<type> <size>\0`, which precedes an object's content in what is hashed and stored. */
export const objectHeader = (type: "blob" | "tree" | "commit", size: number): Buffer => Buffer.from(`${type} ${size}\0`);

/** An object's name: the SHA-1 of its header and content. */
export function objectSha(type: "blob" | "tree" | "commit", content: Buffer): string {
  return createHash("sha1").update(objectHeader(type, content.length)).update(content).digest("hex");
}

export interface TreeEntry {
  /** A file name (no `/`, no NUL). */
  readonly name: string;
  /** A blob's sha. */
  readonly sha: string;
}

/**
 * A tree of regular files (mode 100644): `100644 <name>\0<20-byte sha>` per entry, ordered by the
 * name's bytes, as git orders a tree with no folders in it.
 */
export function treeContent(entries: readonly TreeEntry[]): Buffer {
  const named = entries.map((e) => ({ name: Buffer.from(e.name), sha: e.sha }));
  for (const e of named) {
    if (e.name.length === 0 || e.name.includes(0x2f) || e.name.includes(0)) throw new Error(`not a file name in a tree: ${JSON.stringify(e.name.toString())}`);
    if (!/^[0-9a-f]{40}$/.test(e.sha)) throw new Error(`not a SHA-1 object name: ${e.sha}`);
  }
  named.sort((a, b) => Buffer.compare(a.name, b.name));
  return Buffer.concat(named.flatMap((e) => [Buffer.from("100644 "), e.name, Buffer.from([0]), Buffer.from(e.sha, "hex")]));
}

/** Bytes git trims from both ends of a name or an e-mail address in an identity. */
const crud = (c: number) => c <= 32 || c === 0x2e || c === 0x2c || c === 0x3a || c === 0x3b || c === 0x3c || c === 0x3e || c === 0x22 || c === 0x5c || c === 0x27;

/**
 * A name or an address as git writes it in an identity: crud trimmed from both ends, and the
 * delimiters `<`, `>` and newline left out. Undefined when nothing is left (git refuses that).
 */
export function identPart(raw: string): string | undefined {
  const bytes = Buffer.from(raw);
  let start = 0;
  let end = bytes.length;
  while (start < end && crud(bytes[start]!)) start++;
  while (end > start && crud(bytes[end - 1]!)) end--;
  const kept = [...bytes.subarray(start, end)].filter((c) => c !== 0x0a && c !== 0x3c && c !== 0x3e);
  return kept.length === 0 ? undefined : Buffer.from(kept).toString();
}

/** The time of an identity: seconds since the epoch and the offset of the zone `offsetMinutes` east of UTC (`+0100`). */
export function identTime(ms: number, offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${Math.floor(ms / 1000)} ${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
}

export interface CommitFields {
  readonly tree: string;
  readonly parents: readonly string[];
  /** `Name <email> <seconds> <zone>`, as `identities` makes it. */
  readonly author: string;
  readonly committer: string;
  /**
   * The message as given to `commit-tree -m`: written as is, ended by a newline when it does not end
   * with one; an empty one stays empty (git then reads the message from its stdin, which is empty).
   */
  readonly message: string;
}

/** A commit object's content, as `git commit-tree <tree> -p <parent>… -m <message>` writes it. */
export function commitContent(c: CommitFields): Buffer {
  const headers = [`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`), `author ${c.author}`, `committer ${c.committer}`];
  const message = c.message === "" || c.message.endsWith("\n") ? c.message : `${c.message}\n`;
  return Buffer.from(`${headers.join("\n")}\n\n${message}`);
}

/**
 * Who a commit is by, from git's environment variables, the way `commit-tree` reads them:
 * undefined when it cannot be said without git (a name left to git's config, a date set by the
 * user in `GIT_AUTHOR_DATE`/`GIT_COMMITTER_DATE`, an empty name or address).
 */
export function identities(env: Readonly<Record<string, string | undefined>>, ms: number, offsetMinutes: number): { author: string; committer: string } | undefined {
  if (env.GIT_AUTHOR_DATE !== undefined || env.GIT_COMMITTER_DATE !== undefined) return undefined;
  const when = identTime(ms, offsetMinutes);
  const line = (who: "AUTHOR" | "COMMITTER") => {
    const name = env[`GIT_${who}_NAME`];
    const email = env[`GIT_${who}_EMAIL`];
    if (name === undefined || email === undefined) return undefined;
    const n = identPart(name);
    const e = identPart(email);
    return n === undefined || e === undefined ? undefined : `${n} <${e}> ${when}`;
  };
  const author = line("AUTHOR");
  const committer = line("COMMITTER");
  return author === undefined || committer === undefined ? undefined : { author, committer };
}
