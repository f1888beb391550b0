import { execa } from "execa";
import fc from "fast-check";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { classifyRefusal } from "../../src/state/shared/remote.js";
import { completeLength, countLines, fileRange, samePrefix, segmentEnd, writeObjects } from "../../src/state/shared/stream.js";
import { gitWriter, objectWriter, type ObjectWriter } from "../../src/system/git-objects.js";
import { tempDir } from "../helpers/tmp.js";

/** Journal-like bytes: lines of a few letters, some newlines, sometimes a torn last line. */
const journalBytes = fc.array(fc.constantFrom(0x0a, 0x61, 0x62, 0x7b, 0x7d, 0xc3, 0xa9), { maxLength: 200 }).map((a) => Buffer.from(a));

/** A journal's bytes from `from` to `to`, streamed into the object store a chunk at a time (as a push does). */
const hashRange = (w: ObjectWriter, file: string, from: number, to: number, chunk: number) => w.blobStream(to - from, fileRange(file, from, to, chunk));

// The naive versions: what the streaming ones must agree with, on any bytes and any chunk size.
const naiveComplete = (b: Buffer) => b.lastIndexOf(0x0a) + 1;
const naiveCount = (b: Buffer, from: number, to: number) => [...b.subarray(from, to)].filter((x) => x === 0x0a).length;
function naiveSegmentEnd(b: Buffer, from: number, limit: number, max: number): number {
  if (limit - from <= max) return limit;
  const within = b.subarray(from, from + max).lastIndexOf(0x0a);
  if (within !== -1) return from + within + 1;
  const after = b.subarray(from + max, limit).indexOf(0x0a);
  return after === -1 ? limit : from + max + after + 1;
}

describe("journals read as streams, a chunk at a time (a journal is never held whole)", () => {
  it("complete length, line counts and segment ends agree with reading it whole, for every chunk size down to 1 byte", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "j.jsonl");
    fc.assert(
      fc.property(journalBytes, fc.integer({ min: 1, max: 9 }), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 40 }), (bytes, chunk, a, b, max) => {
        writeFileSync(file, bytes);
        const complete = naiveComplete(bytes);
        expect(completeLength(file, chunk)).toBe(complete);
        const from = complete === 0 ? 0 : a % (complete + 1);
        const to = from + (complete - from === 0 ? 0 : b % (complete - from + 1));
        expect(countLines(file, from, to, chunk)).toBe(naiveCount(bytes, from, to));
        expect(segmentEnd(file, from, complete, max, chunk)).toBe(naiveSegmentEnd(bytes, from, complete, max));
      }),
      { numRuns: 300 },
    );
    expect(completeLength(path.join(dir, "missing"), 4)).toBeUndefined();
  });

  it("a journal is hashed into git, compared with git objects and copied out of them in chunks of a few bytes, byte for byte", async () => {
    const repo = await tempDir();
    await execa("git", ["init", "-q", repo]);
    const file = path.join(repo, "j.jsonl");
    // Written by this process (loose objects) or by git: the same objects either way.
    const writers = [await objectWriter(repo), gitWriter(repo)];
    await fc.assert(
      fc.asyncProperty(journalBytes, fc.array(fc.nat(), { maxLength: 5 }), fc.integer({ min: 1, max: 7 }), fc.boolean(), async (bytes, cuts, chunk, byGit) => {
        const w = writers[byGit ? 1 : 0]!;
        writeFileSync(file, bytes);
        // Segments at arbitrary cuts, as successive pushes would make them.
        const ends = [...new Set([...cuts.map((c) => (bytes.length ? c % (bytes.length + 1) : 0)), bytes.length])].sort((x, y) => x - y);
        const shas: string[] = [];
        let from = 0;
        for (const to of ends) {
          if (to <= from) continue;
          const sha = await hashRange(w, file, from, to, chunk);
          const direct = String((await execa("git", ["hash-object", "--stdin"], { cwd: repo, input: bytes.subarray(from, to) })).stdout).trim();
          expect(sha).toBe(direct);
          shas.push(sha);
          from = to;
        }
        expect(await samePrefix(repo, shas, file, bytes.length, chunk)).toBe(true);
        const out = path.join(repo, "out");
        const fd = openSync(out, "w");
        try {
          expect(await writeObjects(repo, shas, fd, chunk)).toBe(bytes.length);
        } finally {
          closeSync(fd);
        }
        expect(readFileSync(out).equals(bytes)).toBe(true);
        if (bytes.length) {
          // One byte changed anywhere: not the same journal.
          const changed = Buffer.from(bytes);
          const at = (cuts[0] ?? 0) % bytes.length;
          changed[at] = changed[at] === 0x61 ? 0x62 : 0x61;
          writeFileSync(file, changed);
          expect(await samePrefix(repo, shas, file, bytes.length, chunk)).toBe(false);
          expect(await samePrefix(repo, shas, file, at, chunk)).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it("a journal far larger than the chunk (1 MiB of lines read 4 KiB at a time) streams through git and back unchanged", async () => {
    const repo = await tempDir();
    await execa("git", ["init", "-q", repo]);
    const file = path.join(repo, "big.jsonl");
    const line = `${JSON.stringify({ type: "output", text: "x".repeat(200) })}\n`;
    const bytes = Buffer.from(line.repeat(Math.ceil((1 << 20) / line.length)));
    writeFileSync(file, bytes);
    const end = segmentEnd(file, 0, bytes.length, 64 * 1024, 4096);
    expect(end % line.length).toBe(0);
    expect(end).toBeLessThanOrEqual(64 * 1024);
    const w = await objectWriter(repo);
    const shas = [await hashRange(w, file, 0, end, 4096), await hashRange(w, file, end, bytes.length, 4096)];
    expect(countLines(file, 0, bytes.length, 4096)).toBe(bytes.length / line.length);
    expect(await samePrefix(repo, shas, file, bytes.length, 4096)).toBe(true);
    const out = path.join(repo, "out");
    const fd = openSync(out, "w");
    await writeObjects(repo, shas, fd, 4096);
    closeSync(fd);
    expect(readFileSync(out).equals(bytes)).toBe(true);
  }, 60_000);
});

describe("why a push was turned down (git's porcelain lines)", () => {
  it("a lease that did not hold is the compare-and-swap losing; a hook's refusal is the remote's, with its words", () => {
    expect(classifyRefusal(["!\tabc:refs/runbook/locks/x\t[rejected] (stale info)", "!\tdef:refs/runbook/runs/y\t[rejected] (atomic push failed)"], "")).toEqual({ ok: false, why: "moved", detail: "[rejected] (stale info)" });
    const hook = classifyRefusal(["!\tabc:refs/runbook/locks/x\t[remote rejected] (pre-receive hook declined)", "!\tdef:refs/runbook/runs/y\t[remote rejected] (pre-receive hook declined)"], "remote: refs/runbook/* are frozen by the change board        \nerror: failed to push some refs\n");
    expect(hook).toEqual({ ok: false, why: "refused", detail: "refs/runbook/* are frozen by the change board (pre-receive hook declined)" });
    // Progress lines from the remote are not its reason.
    const quiet = classifyRefusal(["!\tabc:refs/x\t[remote rejected] (deny updating a hidden ref)"], "remote: Counting objects: 1\rremote: Counting objects: 100% (1/1), done.\n");
    expect(quiet).toEqual({ ok: false, why: "refused", detail: "(deny updating a hidden ref)" });
  });
});
