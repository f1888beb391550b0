import { execa } from "execa";
import fc from "fast-check";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { identPart, identTime } from "../../src/system/git-object-bytes.js";
import { gitWriter, looseWriter, objectWriter, type ObjectWriter } from "../../src/system/git-objects.js";
import { tempDir } from "../helpers/tmp.js";

const quiet = { GIT_CONFIG_NOSYSTEM: "1" };

async function repo(...init: string[]): Promise<string> {
  const dir = await tempDir("runbook-objects-");
  await execa("git", ["init", "-q", ...init, dir], { env: quiet });
  return dir;
}

const gitOut = async (cwd: string, args: string[], o: { input?: string | Buffer; env?: Record<string, string> } = {}) => String((await execa("git", args, { cwd, env: { ...quiet, ...o.env }, ...(o.input !== undefined ? { input: o.input } : {}) })).stdout);

const who = (name: string, email: string) => ({ GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email });

/** Temporary files an interrupted or refused write would have left in the object store. */
const leftovers = (dir: string) => readdirSync(path.join(dir, ".git", "objects")).filter((f) => f.startsWith("tmp_obj_"));

// Names with git's trimmed characters at either end, its delimiters inside, spaces and non-ASCII letters.
const namePart = fc.array(fc.constantFrom("a", "Z", " ", ".", ",", ":", ";", "<", ">", '"', "\\", "'", "\n", "\t", "é", "ø", "-", "_"), { maxLength: 12 }).map((a) => a.join(""));
const fileName = fc.array(fc.constantFrom("a", "b", "0", "9", ".", "-", "_", "é", "A", " "), { minLength: 1, maxLength: 10 })
  .map((a) => a.join(""))
  // Names git's fsck flags in any tree (ours are NNNNNN.jsonl, lock.json, <id>.json).
  .filter((n) => n !== "." && n !== ".." && n.toLowerCase() !== ".git");

describe("objects this process writes are git's, byte for byte (system/git-objects.ts)", () => {
  it("blobs, trees and commits made in process have the names git gives them, and git reads them (fsck --strict)", async () => {
    const dir = await repo();
    const loose = looseWriter(path.join(dir, ".git", "objects"), gitWriter(dir));
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.uniqueArray(fileName, { minLength: 1, maxLength: 4 }), namePart, namePart, fc.string({ maxLength: 40 }), async (content, names, name, email, message) => {
        const blob = await loose.blob(Buffer.from(content));
        expect(blob).toBe((await gitOut(dir, ["hash-object", "--stdin"], { input: Buffer.from(content) })).trim());
        const entries = names.map((n) => ({ name: n, sha: blob }));
        const tree = await loose.tree(entries);
        expect(tree).toBe((await gitOut(dir, ["mktree"], { input: entries.map((e) => `100644 blob ${e.sha}\t${e.name}\n`).join("") })).trim());
        const env = who(name, email);
        const made = await loose.commit({ tree, parents: [], message, env }).then(
          (sha) => sha,
          () => undefined,
        );
        // The same commit by git, at the time the commit made here says (git writes that commit when it cannot be said in process).
        const time = made === undefined ? undefined : /\ncommitter .* (\d+ [+-]\d{4})\n/.exec(await gitOut(dir, ["cat-file", "commit", made]))?.[1];
        const byGit = await execa("git", ["commit-tree", tree, "-m", message], { cwd: dir, reject: false, input: "", env: { ...quiet, ...env, ...(time ? { GIT_AUTHOR_DATE: time, GIT_COMMITTER_DATE: time } : {}) } });
        if (made === undefined) expect(byGit.exitCode).not.toBe(0);
        else expect(made).toBe(String(byGit.stdout).trim());
      }),
      { numRuns: 60 },
    );
    await execa("git", ["fsck", "--strict", "--no-dangling"], { cwd: dir, env: quiet });
    expect(leftovers(dir)).toEqual([]);
  }, 120_000);

  it("a blob streamed in chunks is the same object as the whole; a source that ends short is refused and leaves nothing", async () => {
    const dir = await repo();
    const bytes = Buffer.from("line one\nline two\n".repeat(5000));
    const chunks = (b: Buffer, size: number) => Readable.from(Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size)));
    for (const w of [looseWriter(path.join(dir, ".git", "objects"), gitWriter(dir)), gitWriter(dir)]) {
      const sha = await w.blobStream(bytes.length, chunks(bytes, 4096));
      expect(sha).toBe((await gitOut(dir, ["hash-object", "--stdin"], { input: bytes })).trim());
      expect(Buffer.from((await execa("git", ["cat-file", "blob", sha], { cwd: dir, encoding: "buffer", stripFinalNewline: false })).stdout).equals(bytes)).toBe(true);
      await expect(w.blobStream(bytes.length + 1, chunks(bytes, 4096))).rejects.toThrow();
      await expect(w.blobStream(10, chunks(bytes, 4096))).rejects.toThrow();
    }
    expect(leftovers(dir)).toEqual([]);
  });

  it("an object already stored is left as it is, and written again costs nothing more", async () => {
    const dir = await repo();
    const w = await objectWriter(dir);
    const a = await w.blob("same\n");
    const file = path.join(dir, ".git", "objects", a.slice(0, 2), a.slice(2));
    const before = statSync(file);
    expect(before.mode & 0o777).toBe(0o444);
    expect(await w.blob("same\n")).toBe(a);
    expect(statSync(file).ino).toBe(before.ino);
    expect(leftovers(dir)).toEqual([]);
  });

  it("a SHA-256 repository and a shared one get their objects from git itself", async () => {
    for (const dir of [await repo("--object-format=sha256"), await repo("--shared=group")]) {
      const w: ObjectWriter = await objectWriter(dir);
      const blob = await w.blob("x\n");
      const tree = await w.tree([{ name: "x.json", sha: blob }]);
      const commit = await w.commit({ tree, parents: [], message: "m", env: who("alice", "alice@host") });
      expect(await gitOut(dir, ["cat-file", "-t", commit])).toBe("commit");
      const folder = path.join(dir, ".git", "objects", blob.slice(0, 2));
      if (blob.length === 40) expect(statSync(folder).mode & 0o2070).toBe(0o2070); // shared: group-writable, setgid, as git makes it
      else expect(blob).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("identities as git writes them: trimmed ends, no delimiters; a time with its zone", () => {
    expect(identPart("  Alice Smith. ")).toBe("Alice Smith");
    expect(identPart("<bob>")).toBe("bob");
    expect(identPart("a<b>c\nd")).toBe("abcd");
    expect(identPart(".;:")).toBeUndefined();
    expect(identTime(1_700_000_000_999, 0)).toBe("1700000000 +0000");
    expect(identTime(1_700_000_000_000, 330)).toBe("1700000000 +0530");
    expect(identTime(1_700_000_000_000, -210)).toBe("1700000000 -0330");
  });
});
