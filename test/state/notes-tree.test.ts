import { execa } from "execa";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { appendRecord, newRecordId, NotesUnavailableError, notesRef } from "../../src/state/shared/notes-ref.js";
import { tempDir } from "../helpers/tmp.js";

const quiet = { GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@h", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@h" };
const git = async (cwd: string, args: string[], input?: string) => String((await execa("git", args, { cwd, env: quiet, ...(input !== undefined ? { input } : {}) })).stdout).trim();

describe("a run's notes ref holds records and nothing else (state/shared/notes-ref.ts)", () => {
  it("a notes ref someone filled with a folder is refused with the ref named, and left as it was", async () => {
    const root = await tempDir("runbook-notes-tree-");
    const remote = path.join(root, "remote.git");
    const clone = path.join(root, "clone");
    await git(root, ["init", "-q", "--bare", remote]);
    await git(root, ["clone", "-q", remote, clone]);
    const runId = "20261203T150000Z-db-0abc";
    // A commit on the notes ref whose tree holds a folder, not `<id>.json` records.
    const blob = await git(clone, ["hash-object", "-w", "--stdin"], "{}\n");
    const sub = await git(clone, ["mktree"], `100644 blob ${blob}\tx.json\n`);
    const tree = await git(clone, ["mktree"], `040000 tree ${sub}\tnested\n`);
    const odd = await git(clone, ["commit-tree", tree, "-m", "not notes"]);
    await git(clone, ["push", "-q", "origin", `${odd}:${notesRef(runId)}`]);

    const at = new Date().toISOString();
    const record = { id: newRecordId(at), kind: "note" as const, by: "bob", host: "laptop", at, text: "hello" };
    const config = { repo: clone, remote: "origin", leaseMs: 60_000, timeoutMs: 30_000 };
    const tried = appendRecord(config, runId, record, quiet);
    await expect(tried).rejects.toBeInstanceOf(NotesUnavailableError);
    await expect(tried).rejects.toThrow(`${notesRef(runId)} holds something other than records`);
    expect(await git(remote, ["rev-parse", notesRef(runId)])).toBe(odd);
  });
});
