import { createHash } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { git } from "../../system/git.js";
import { GIT_NAMESPACE, NAMESPACE, principalsOf, signatureKeyFingerprint, verifySignature } from "../../system/ssh-signatures.js";
import { ensureStateSubdir } from "../state-dir.js";
import { splitSignature } from "./commit-signature.js";
import { readObjects } from "./git-remote.js";

/**
 * Whether a shared run's history is what the people in the allowed-signers file pushed: every commit
 * of its chain carries an SSH signature (git's namespace) that verifies under that file. `flagged`
 * says what is wrong with the newest commit that is not (docs/approvals.md, "Signed history").
 */
export type HistoryTrust =
  | { readonly status: "verified"; readonly signers: readonly string[]; readonly commits: number }
  | { readonly status: "flagged"; readonly why: "unsigned" | "unknown key" | "namespace" | "bad signature" | "unreadable"; readonly commit: string; readonly detail: string };

export interface AllowedSigners {
  /** The file's text, as the verifier reads it (its committed version). */
  readonly text: string;
  /** Its path, for messages. */
  readonly name: string;
}

/**
 * Verifies a run's chain of journal commits from `tip` down to its first. A commit verified once under
 * the same allowed-signers text is remembered in the state folder (`verified/<hash of the text>`):
 * commits never change, so each is checked by ssh-keygen once, not at every `runs`.
 */
export async function verifyHistory(repo: string, tip: string, allowed: AllowedSigners, stateDir: string): Promise<HistoryTrust> {
  const list = await git(repo, ["rev-list", tip]);
  if (list.code !== 0) return { status: "flagged", why: "unreadable", commit: tip, detail: `its commits cannot be read in this clone (${list.stderr.trim().split("\n")[0] ?? ""})` };
  const shas = list.stdout.split("\n").filter(Boolean);
  const cache = verifiedCache(stateDir, allowed.text);
  const known = cache.read();
  const todo = shas.filter((s) => !known.has(s));
  const objects = await readObjects(repo, todo.map((s) => s));
  // A few ssh-keygen at a time: each commit costs two short processes the first time it is seen.
  const results = await pool(todo, POOL, (sha) => checkCommit(sha, objects.get(sha), allowed));
  for (const [i, sha] of todo.entries()) {
    const r = results[i]!;
    if (typeof r !== "string") return r;
    known.set(sha, r);
    cache.add(sha, r);
  }
  // Oldest first: who started the run, then who took it over.
  const signers = [...new Set(shas.reverse().map((s) => known.get(s)).filter((p): p is string => p !== undefined))];
  return { status: "verified", signers, commits: shas.length };
}

/** One commit: the principal whose signature on it verifies, else what is wrong. */
async function checkCommit(sha: string, raw: Buffer | undefined, allowed: AllowedSigners): Promise<string | Extract<HistoryTrust, { status: "flagged" }>> {
  const short = sha.slice(0, 12);
  if (raw === undefined) return { status: "flagged", why: "unreadable", commit: sha, detail: `commit ${short} cannot be read in this clone` };
  const { payload, signature } = splitSignature(raw);
  if (signature === undefined) return { status: "flagged", why: "unsigned", commit: sha, detail: `commit ${short} is not signed` };
  const sig = Buffer.from(signature);
  const [principal] = await principalsOf(allowed.text, sig, GIT_NAMESPACE);
  if (principal === undefined) {
    const key = signatureKeyFingerprint(signature) ?? "a key";
    const other = await principalsOf(allowed.text, sig, NAMESPACE);
    if (other.length) return { status: "flagged", why: "namespace", commit: sha, detail: namespaceOnly(short, other.join(", "), key, allowed.name) };
    return { status: "flagged", why: "unknown key", commit: sha, detail: `commit ${short} is signed by ${key}, a key not in ${allowed.name}` };
  }
  const v = await verifySignature(allowed.text, principal, sig, payload, GIT_NAMESPACE);
  if (!v.ok && /not permitted for use in signature namespace/.test(v.why))
    return { status: "flagged", why: "namespace", commit: sha, detail: namespaceOnly(short, principal, signatureKeyFingerprint(signature) ?? "a key", allowed.name) };
  if (!v.ok) return { status: "flagged", why: "bad signature", commit: sha, detail: `commit ${short}'s signature by ${principal} does not verify (its bytes were changed): ${v.why}` };
  return principal;
}

const POOL = 4;

/** `f` over `items`, at most `n` at a time, results in the items' order. */
async function pool<T, R>(items: readonly T[], n: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await f(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** Commits already verified under one allowed-signers text: `<sha> <principal>` lines, appended. */
function verifiedCache(stateDir: string, allowedText: string) {
  const dir = path.join(stateDir, "verified");
  const file = path.join(dir, createHash("sha256").update(allowedText).digest("hex").slice(0, 16));
  return {
    read(): Map<string, string> {
      const out = new Map<string, string>();
      let text = "";
      try {
        text = readFileSync(file, "utf8");
      } catch {
        return out;
      }
      for (const line of text.split("\n")) {
        const m = /^([0-9a-f]{40,64}) (\S+)$/.exec(line);
        if (m) out.set(m[1]!, m[2]!);
      }
      return out;
    },
    add(sha: string, principal: string): void {
      // A principal with a space or a newline is not remembered: it is verified again next time.
      if (/\s/.test(principal)) return;
      try {
        ensureStateSubdir(stateDir, dir);
        appendFileSync(file, `${sha} ${principal}\n`, { mode: 0o600 });
      } catch {
        // A read-only state folder: verified again next time.
      }
    },
  };
}

/** A listed person whose line allows their key for approvals only: said with the fix. */
const namespaceOnly = (short: string, principal: string, key: string, file: string) =>
  `commit ${short} is signed by ${principal}'s key ${key}, which ${file} allows for namespace "runbook" only: add git to its namespaces (namespaces="runbook,git")`;
