import { randomBytes, createHash } from "node:crypto";
import { closeSync, linkSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createDeflate, deflateSync } from "node:zlib";
import { commitContent, identities, objectHeader, objectSha, treeContent, type TreeEntry } from "./git-object-bytes.js";
import { git, gitBytes, gitOk, gitStream } from "./git.js";

export type { TreeEntry } from "./git-object-bytes.js";

/**
 * Turns a commit's unsigned bytes into the signed commit object's bytes; undefined leaves it
 * unsigned. Never asked of git (which could prompt for a passphrase on the terminal).
 */
export type SignCommit = (payload: Buffer) => Promise<Buffer | undefined>;

export interface NewCommit {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly message: string;
  /** Who it is by: GIT_AUTHOR_NAME and the others, added to the environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly sign?: SignCommit;
}

/**
 * Writes objects into a clone's object store: what a shared run's journal, lease, notes and plans are
 * made of. Each resolves to the object's sha once it is stored.
 */
export interface ObjectWriter {
  blob(content: string | Buffer): Promise<string>;
  /** A blob of `size` bytes taken from `chunks` as they come: never held whole. */
  blobStream(size: number, chunks: AsyncIterable<Buffer>): Promise<string>;
  tree(entries: readonly TreeEntry[]): Promise<string>;
  commit(c: NewCommit): Promise<string>;
}

/**
 * The writer for a clone, found once per process: in a SHA-1 repository whose objects are private
 * to its user (no `core.sharedRepository`), this process writes loose objects itself, exactly as git
 * does (a shared run pushes often, and six git processes per push were most of its cost); anywhere
 * else (SHA-256, shared permissions) git writes them.
 */
export function objectWriter(repo: string): Promise<ObjectWriter> {
  let found = writers.get(repo);
  if (found === undefined) {
    found = probe(repo);
    writers.set(repo, found);
    found.catch(() => writers.delete(repo));
  }
  return found;
}

const writers = new Map<string, Promise<ObjectWriter>>();

async function probe(repo: string): Promise<ObjectWriter> {
  const byGit = gitWriter(repo);
  const where = await git(repo, ["rev-parse", "--git-path", "objects", "--show-object-format"]);
  const [objects, format] = where.stdout.split("\n");
  if (where.code !== 0 || !objects || format !== "sha1") return byGit;
  const shared = await git(repo, ["config", "--get", "core.sharedRepository"]);
  if (shared.code === 0 && !["false", "umask", "0", "no", "off"].includes(shared.stdout.trim().toLowerCase())) return byGit;
  return looseWriter(path.resolve(repo, objects), byGit);
}

/** Through git's own plumbing: hash-object, mktree, commit-tree. */
export function gitWriter(repo: string): ObjectWriter {
  const writer: ObjectWriter = {
    blob: async (content) => (await gitOk(repo, ["hash-object", "-w", "--stdin"], { input: content })).trim(),
    async blobStream(size, chunks) {
      const child = gitStream(repo, ["hash-object", "-w", "--stdin"], { stderr: "pipe" });
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number>((resolve, reject) => {
        child.once("error", reject);
        child.once("close", (code) => resolve(code ?? -1));
      });
      child.stdin.on("error", () => undefined);
      const fed = pipeline(counted(size, chunks), child.stdin).then(
        () => undefined,
        (e: unknown) => e,
      );
      const code = await exited;
      const failed = await fed;
      if (code !== 0) throw new Error(`git hash-object failed: ${err.trim() || `exit ${code}`}`);
      if (failed !== undefined) throw failed;
      return out.trim();
    },
    tree: async (entries) => (await gitOk(repo, ["mktree"], { input: entries.map((e) => `100644 blob ${e.sha}\t${e.name}\n`).join("") })).trim(),
    async commit(c) {
      // commit-tree signs only when told to (-S; it does not read commit.gpgSign): never here.
      const made = (await gitOk(repo, ["commit-tree", c.tree, ...c.parents.flatMap((p) => ["-p", p]), "-m", c.message], { env: { ...c.env } })).trim();
      if (c.sign === undefined) return made;
      const raw = await gitBytes(repo, ["cat-file", "commit", made]);
      if (raw.code !== 0) throw new Error(`git cat-file commit ${made} failed: ${raw.stderr.trim()}`);
      const signed = await c.sign(raw.stdout);
      if (signed === undefined) return made;
      return (await gitOk(repo, ["hash-object", "-t", "commit", "-w", "--stdin"], { input: signed })).trim();
    },
  };
  return writer;
}

/**
 * Loose objects written by this process into `objects`: zlib-deflated (git's default level for
 * loose objects, 1), read-only, written under a temporary name and then linked into place, so a
 * reader never sees half an object and an object already there is left as it is.
 */
export function looseWriter(objects: string, byGit: ObjectWriter): ObjectWriter {
  const store = (type: "blob" | "tree" | "commit", content: Buffer): Promise<string> =>
    writeObject(objects, (fd) => {
      writeAll(fd, deflateSync(Buffer.concat([objectHeader(type, content.length), content]), { level: 1 }));
      return objectSha(type, content);
    });
  return {
    blob: (content) => store("blob", typeof content === "string" ? Buffer.from(content) : content),
    blobStream: (size, chunks) =>
      writeObject(objects, async (fd) => {
        const hash = createHash("sha1").update(objectHeader("blob", size));
        const hashed = async function* () {
          yield objectHeader("blob", size);
          for await (const c of counted(size, chunks)) {
            hash.update(c);
            yield c;
          }
        };
        await pipeline(hashed, createDeflate({ level: 1 }), toDescriptor(fd));
        return hash.digest("hex");
      }),
    tree: async (entries) => store("tree", treeContent(entries)),
    async commit(c) {
      const now = new Date();
      const who = identities({ ...process.env, ...c.env }, now.getTime(), -now.getTimezoneOffset());
      if (who === undefined) return byGit.commit(c);
      const payload = commitContent({ tree: c.tree, parents: c.parents, message: c.message, ...who });
      const signed = c.sign ? await c.sign(payload) : undefined;
      return store("commit", signed ?? payload);
    },
  };
}

/** The bytes of `chunks`, checked to be exactly `size` of them (a file that shrank is an error, not a short object). */
async function* counted(size: number, chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const c of chunks) {
    seen += c.length;
    if (seen > size) throw new Error(`more than the ${size} bytes expected`);
    yield c;
  }
  if (seen !== size) throw new Error(`${seen} bytes where ${size} were expected`);
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
}

function toDescriptor(fd: number): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      try {
        writeAll(fd, chunk);
        done();
      } catch (e) {
        done(e as Error);
      }
    },
  });
}

/**
 * One loose object: `fill` writes its stored bytes to a new temporary file and says its sha; the file
 * is then linked into place. A fill that fails leaves nothing behind.
 */
async function writeObject(objects: string, fill: (fd: number) => string | Promise<string>): Promise<string> {
  const tmp = tempName(objects);
  const fd = openSync(tmp, "wx", 0o444);
  let sha: string;
  try {
    sha = await fill(fd);
  } catch (e) {
    unlinkQuiet(tmp);
    throw e;
  } finally {
    closeSync(fd);
  }
  place(objects, tmp, sha);
  return sha;
}

/** A temporary name in the object store, as git names its own (`git gc` removes stale ones). */
const tempName = (objects: string) => path.join(objects, `tmp_obj_${process.pid}_${randomBytes(6).toString("hex")}`);

/** Moves a written object to its name; one that is already there is kept, and ours dropped. */
function place(objects: string, tmp: string, sha: string): void {
  const dir = path.join(objects, sha.slice(0, 2));
  const target = path.join(dir, sha.slice(2));
  mkdirSync(dir, { recursive: true });
  try {
    linkSync(tmp, target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // A file system without hard links: a rename, which git also falls back to.
    if (code !== "EEXIST") {
      renameSync(tmp, target);
      return;
    }
  }
  unlinkQuiet(tmp);
}

function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}
