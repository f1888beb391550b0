import { gitOk, readObjects } from "./git.js";
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

/** The journal bytes a chain holds. */
export async function chainBytes(cwd: string, chain: Chain): Promise<Buffer> {
  const blobs = await readObjects(cwd, chain.entries.map((e) => e.sha));
  return Buffer.concat(chain.entries.map((e) => blobs.get(e.sha) ?? Buffer.alloc(0)));
}

/** One more commit holding `bytes` as a new segment (or none, for the run's first, empty commit). */
export async function extendChain(cwd: string, chain: Chain, bytes: Buffer, message: string, env: Record<string, string>): Promise<Chain> {
  const entries = [...chain.entries];
  if (bytes.length) {
    const sha = (await gitOk(cwd, ["hash-object", "-w", "--stdin"], { input: bytes })).trim();
    entries.push({ name: `${String(entries.length + 1).padStart(6, "0")}.jsonl`, sha, size: bytes.length });
  }
  const tree = (await gitOk(cwd, ["mktree"], { input: entries.map((e) => `100644 blob ${e.sha}\t${e.name}\n`).join("") })).trim();
  const total = chain.bytes + bytes.length;
  const tip = (await gitOk(cwd, ["commit-tree", tree, ...(chain.tip ? ["-p", chain.tip] : []), "-m", `${message} ${BYTES}${total}]`], { env })).trim();
  return { tip, entries, bytes: total };
}

/** Each journal commit's subject ends with the journal's length then, so a clone can compare without reading. */
const BYTES = "[bytes ";
export function bytesInSubject(subject: string): number | undefined {
  const m = /\[bytes (\d+)\]$/.exec(subject);
  return m ? Number(m[1]) : undefined;
}

/** A lock commit: `lock.json` saying who holds the runbook until when; its parent is the lock before. */
export async function leaseCommit(cwd: string, parent: string | undefined, record: LeaseRecord, env: Record<string, string>): Promise<string> {
  const blob = (await gitOk(cwd, ["hash-object", "-w", "--stdin"], { input: `${JSON.stringify(record, null, 2)}\n` })).trim();
  const tree = (await gitOk(cwd, ["mktree"], { input: `100644 blob ${blob}\tlock.json\n` })).trim();
  const what = record.released ? `released by run ${record.runId}` : `held by run ${record.runId} (${record.user}@${record.host}) until ${record.expiresAt}`;
  return (await gitOk(cwd, ["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", `runbook lock: ${what}`], { env })).trim();
}

/** What lock commits say, by commit. */
export async function readLeases(cwd: string, shas: readonly string[]): Promise<Map<string, LeaseRecord | undefined>> {
  const blobs = await readObjects(cwd, shas.map((s) => `${s}:lock.json`));
  return new Map(shas.map((s) => [s, parseLease(blobs.get(`${s}:lock.json`)?.toString("utf8"))]));
}
