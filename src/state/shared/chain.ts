import { gitBytes, gitOk } from "../../system/git.js";
import { withSignature } from "./commit-signature.js";
import type { CommitSigner } from "./remote.js";
import { readObjects } from "./git-remote.js";
import { DEFAULT_CHUNK, hashRange } from "./stream.js";
import { parseLease, type LeaseRecord } from "./lease.js";

/**
 * A run's journal as a chain of commits: each commit adds one segment file holding the bytes the
 * journal gained since the commit before (complete lines only), so a commit costs the new bytes, not
 * the whole journal again. The journal is the segments in name order, concatenated.
 */
export interface Chain {
  readonly tip: string | undefined;
  readonly entries: ReadonlyArray<{ readonly name: string; readonly sha: string; readonly size: number }>;
  /** Bytes of journal the chain holds. */
  readonly bytes: number;
}

export const EMPTY_CHAIN: Chain = { tip: undefined, entries: [], bytes: 0 };

/** Who the commits are by: the operator, so `git log` of a run says who did what. */
export const identity = (operator: string, host: string): Record<string, string> => {
  const email = `${operator.replace(/[<>\s]/g, "")}@${host.replace(/[<>\s]/g, "")}`;
  return { GIT_AUTHOR_NAME: operator, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: operator, GIT_COMMITTER_EMAIL: email };
};

export async function chainAt(cwd: string, tip: string | undefined): Promise<Chain> {
  if (tip === undefined) return EMPTY_CHAIN;
  const out = await gitOk(cwd, ["ls-tree", "-l", tip]);
  const entries = out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [meta = "", name = ""] = line.split("\t");
      const [, , sha = "", size = "0"] = meta.split(/\s+/);
      return { name, sha, size: Number(size) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { tip, entries, bytes: entries.reduce((n, e) => n + e.size, 0) };
}

/** A journal's bytes from `from` to `to`, which a new commit adds as one segment. */
export interface Segment {
  readonly file: string;
  readonly from: number;
  readonly to: number;
}

/**
 * One more commit holding a segment of the journal file (or none, for the run's first, empty
 * commit). The segment is streamed into git, never read into memory whole.
 */
export async function extendChain(cwd: string, chain: Chain, segment: Segment | undefined, message: string, env: Record<string, string>, chunk = DEFAULT_CHUNK, signer?: CommitSigner): Promise<Chain> {
  const entries = [...chain.entries];
  const size = segment ? segment.to - segment.from : 0;
  if (segment && size > 0) {
    const sha = await hashRange(cwd, segment.file, segment.from, segment.to, chunk);
    entries.push({ name: `${String(entries.length + 1).padStart(6, "0")}.jsonl`, sha, size });
  }
  const tree = (await gitOk(cwd, ["mktree"], { input: entries.map((e) => `100644 blob ${e.sha}\t${e.name}\n`).join("") })).trim();
  const total = chain.bytes + size;
  const made = (await gitOk(cwd, ["commit-tree", tree, ...(chain.tip ? ["-p", chain.tip] : []), "-m", `${message} ${BYTES}${total}]`], { env })).trim();
  const tip = signer ? await signCommit(cwd, made, signer) : made;
  return { tip, entries, bytes: total };
}

/**
 * The same commit with an SSH signature in its `gpgsig` header, as `git commit -S` with
 * `gpg.format ssh` writes it (so `git verify-commit` checks it too); signed here rather than by git so
 * that ssh-keygen never asks for a passphrase on the terminal (system/ssh-signatures.ts). When the
 * signer cannot sign, the commit stays unsigned: the run goes on, and its history is flagged.
 */
async function signCommit(cwd: string, sha: string, signer: CommitSigner): Promise<string> {
  const raw = await gitBytes(cwd, ["cat-file", "commit", sha]);
  if (raw.code !== 0) throw new Error(`git cat-file commit ${sha} failed: ${raw.stderr.trim()}`);
  const signature = await signer.sign(raw.stdout);
  if (signature === undefined) return sha;
  return (await gitOk(cwd, ["hash-object", "-t", "commit", "-w", "--stdin"], { input: withSignature(raw.stdout, signature) })).trim();
}

/** The objects that hold a chain's journal, in order. */
export const chainObjects = (chain: Chain): string[] => chain.entries.map((e) => e.sha);

/** Each journal commit's subject ends with the journal's length then, so a clone can compare without reading. */
const BYTES = "[bytes ";
export function bytesInSubject(subject: string): number | undefined {
  const m = /\[bytes (\d+)\]$/.exec(subject);
  return m ? Number(m[1]) : undefined;
}

/**
 * A lock commit: `lock.json` saying who holds the runbook until when; its parent is the lock before.
 * Signed as journal commits are when the share has a signer (with `approvals:`).
 */
export async function leaseCommit(cwd: string, parent: string | undefined, record: LeaseRecord, env: Record<string, string>, signer?: CommitSigner): Promise<string> {
  const blob = (await gitOk(cwd, ["hash-object", "-w", "--stdin"], { input: `${JSON.stringify(record, null, 2)}\n` })).trim();
  const tree = (await gitOk(cwd, ["mktree"], { input: `100644 blob ${blob}\tlock.json\n` })).trim();
  const what = record.released ? `released by run ${record.runId}` : `held by run ${record.runId} (${record.user}@${record.host}) until ${record.expiresAt}`;
  const made = (await gitOk(cwd, ["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", `runbook lock: ${what}`], { env })).trim();
  return signer ? signCommit(cwd, made, signer) : made;
}

/** What lock commits say, by commit. */
export async function readLeases(cwd: string, shas: readonly string[]): Promise<Map<string, LeaseRecord | undefined>> {
  const blobs = await readObjects(cwd, shas.map((s) => `${s}:lock.json`));
  return new Map(shas.map((s) => [s, parseLease(blobs.get(`${s}:lock.json`)?.toString("utf8"))]));
}
