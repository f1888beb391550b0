import { gitOk } from "../../system/git.js";
import { objectWriter, type SignCommit } from "../../system/git-objects.js";
import { withSignature } from "./commit-signature.js";
import type { CommitSigner } from "./remote.js";
import { readObjects } from "./git-remote.js";
import { DEFAULT_CHUNK, fileRange } from "./stream.js";
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
 * commit). The segment is streamed into the object store, never read into memory whole.
 */
export async function extendChain(cwd: string, chain: Chain, segment: Segment | undefined, message: string, env: Record<string, string>, chunk = DEFAULT_CHUNK, signer?: CommitSigner): Promise<Chain> {
  const objects = await objectWriter(cwd);
  const entries = [...chain.entries];
  const size = segment ? segment.to - segment.from : 0;
  if (segment && size > 0) {
    const sha = await objects.blobStream(size, fileRange(segment.file, segment.from, segment.to, chunk));
    entries.push({ name: `${String(entries.length + 1).padStart(6, "0")}.jsonl`, sha, size });
  }
  const tree = await objects.tree(entries);
  const total = chain.bytes + size;
  const tip = await objects.commit({ tree, parents: chain.tip ? [chain.tip] : [], message: `${message} ${BYTES}${total}]`, env, ...signing(signer) });
  return { tip, entries, bytes: total };
}

/**
 * Commits carry an SSH signature in their `gpgsig` header, as `git commit -S` with `gpg.format ssh`
 * writes it (so `git verify-commit` checks it too); signed here rather than by git so that ssh-keygen
 * never asks for a passphrase on the terminal (system/ssh-signatures.ts). When the signer cannot
 * sign, the commit stays unsigned: the run goes on, and its history is flagged.
 */
function signing(signer: CommitSigner | undefined): { sign?: SignCommit } {
  if (signer === undefined) return {};
  return {
    sign: async (payload) => {
      const signature = await signer.sign(payload);
      return signature === undefined ? undefined : withSignature(payload, signature);
    },
  };
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
  const objects = await objectWriter(cwd);
  const blob = await objects.blob(`${JSON.stringify(record, null, 2)}\n`);
  const tree = await objects.tree([{ name: "lock.json", sha: blob }]);
  const what = record.released ? `released by run ${record.runId}` : `held by run ${record.runId} (${record.user}@${record.host}) until ${record.expiresAt}`;
  return objects.commit({ tree, parents: parent ? [parent] : [], message: `runbook lock: ${what}`, env, ...signing(signer) });
}

/** What lock commits say, by commit. */
export async function readLeases(cwd: string, shas: readonly string[]): Promise<Map<string, LeaseRecord | undefined>> {
  const blobs = await readObjects(cwd, shas.map((s) => `${s}:lock.json`));
  return new Map(shas.map((s) => [s, parseLease(blobs.get(`${s}:lock.json`)?.toString("utf8"))]));
}
