import { git } from "../../system/git.js";
import { fetchRefspec } from "./refs.js";

/** Where a clone shares its runs: `share:` in runbook.config.yaml, with the test knobs applied. */
export interface ShareConfig {
  /** The clone's root (the repository holding the runbooks). */
  readonly repo: string;
  readonly remote: string;
  readonly leaseMs: number;
  /** How long the remote may stay silent in a fetch or a push before it counts as unreachable. */
  readonly timeoutMs: number;
  /** Bytes of a journal read or written at a time (stream.ts); tests make it small. */
  readonly chunkBytes?: number;
  /** Most bytes of journal one push carries, so the lease is renewed between the pushes of a large journal. */
  readonly segmentBytes?: number;
  /** With `approvals:`: signs each journal commit this clone makes with the operator's key (docs/approvals.md). */
  readonly signer?: CommitSigner;
  /** How often a live run fetches its notes ref (`RUNBOOK_SHARE_NOTES_POLL_MS`; shared-inbox.ts). */
  readonly notesPollMs?: number;
}

/** Signs a journal commit's bytes (an SSH signature in git's namespace); undefined leaves it unsigned. Never throws. */
export interface CommitSigner {
  sign(payload: Buffer): Promise<Buffer | undefined>;
}

/**
 * How a push ended. `moved`: a ref was not what we expected (someone else moved the lock or the
 * journal first: the compare-and-swap lost). `refused`: the remote turned the push down for a reason
 * of its own (a hook, a protected ref, permissions), with its words. `unreachable`: no answer.
 */
export type PushOutcome = { readonly ok: true } | { readonly ok: false; readonly why: "moved" | "refused" | "unreachable"; readonly detail: string };

/**
 * Makes the clone ready once: the fetch refspec for runbook's refs (into its own namespace) and
 * reflogs for every ref, so a ref under refs/runbook/ that moves can always be traced back.
 */
export async function prepareClone(c: ShareConfig): Promise<void> {
  if (prepared.has(`${c.repo}\0${c.remote}`)) return;
  prepared.add(`${c.repo}\0${c.remote}`);
  const spec = fetchRefspec(c.remote);
  const specs = await git(c.repo, ["config", "--get-all", `remote.${c.remote}.fetch`]);
  if (!specs.stdout.split("\n").includes(spec)) await git(c.repo, ["config", "--add", `remote.${c.remote}.fetch`, spec]);
  const logs = await git(c.repo, ["config", "--get", "core.logAllRefUpdates"]);
  if (logs.stdout.trim() !== "always") await git(c.repo, ["config", "core.logAllRefUpdates", "always"]);
}

const prepared = new Set<string>();

/** Fetches the shared refs into the tracking namespace. Undefined when it worked, else why not. */
export async function fetchShared(c: ShareConfig, refspec = fetchRefspec(c.remote)): Promise<string | undefined> {
  // Given up on when git stays silent for the timeout, not after it: fetching a large journal takes what it takes.
  const r = await git(c.repo, ["fetch", "--quiet", "--progress", "--no-tags", "--prune", "--no-write-fetch-head", "--no-auto-maintenance", c.remote, refspec], { idleTimeoutMs: c.timeoutMs });
  if (r.code === 0) return undefined;
  return r.timedOut ? `no answer within ${Math.round(c.timeoutMs / 1000)}s` : firstLine(r.stderr) || `git fetch exited ${r.code}`;
}

/**
 * Pushes refs all or nothing, each only if the remote still has what we expect (`undefined`: that
 * the ref does not exist): git's compare-and-swap, `--atomic --force-with-lease=<ref>:<expected>`.
 */
export async function pushAtomic(c: ShareConfig, updates: ReadonlyArray<{ ref: string; sha: string; expected: string | undefined }>): Promise<PushOutcome> {
  const leases = updates.map((u) => `--force-with-lease=${u.ref}:${u.expected ?? ""}`);
  const specs = updates.map((u) => `${u.sha}:${u.ref}`);
  const r = await git(c.repo, ["push", "--atomic", "--porcelain", "--quiet", "--progress", ...leases, c.remote, ...specs], { idleTimeoutMs: c.timeoutMs });
  if (r.code === 0) return { ok: true };
  // The remote answered ref by ref ("!" lines): it refused. No answer at all: it was not reached.
  const refused = r.stdout.split("\n").filter((l) => l.startsWith("!"));
  if (refused.length) return classifyRefusal(refused, r.stderr);
  return { ok: false, why: "unreachable", detail: r.timedOut ? `no answer within ${Math.round(c.timeoutMs / 1000)}s` : firstLine(r.stderr) || `git push exited ${r.code}` };
}

/**
 * Why a push was turned down, from git's porcelain lines (`!\t<src>:<ref>\t[rejected] (stale info)`)
 * and what the remote said (`remote: …` on stderr, from its hooks). A lease that did not hold is the
 * compare-and-swap losing; `[remote rejected]` for any reason but the atomic push's is the remote's own.
 * Pure, for tests.
 */
export function classifyRefusal(lines: readonly string[], stderr: string): PushOutcome {
  const reasons = lines.map((l) => l.split("\t").slice(2).join(" ").trim());
  const own = reasons.find((r) => r.startsWith("[remote rejected]") && !/atomic (push|transaction) failed/.test(r));
  if (own === undefined) {
    const first = reasons.find((r) => !/atomic push failed/.test(r)) ?? reasons[0] ?? "rejected";
    return { ok: false, why: "moved", detail: first };
  }
  const said = stderr
    .split(/\r?\n|\r/)
    .filter((l) => l.startsWith("remote: "))
    .map((l) => l.slice("remote: ".length).trim())
    .filter((l) => l !== "" && !/^(Counting|Compressing|Resolving|Total|Writing|Delta|Enumerating|Unpacking)\b/.test(l));
  const why = own.replace(/^\[remote rejected\]\s*/, "").replace(/^\((.*)\)$/, "$1");
  const words = said.join(" / ");
  // The remote's words are shown (escaped by whoever prints them), but never more than a line's worth.
  return { ok: false, why: "refused", detail: `${words ? `${words.length > 300 ? `${words.slice(0, 300)}…` : words} ` : ""}(${why})` };
}

const firstLine = (s: string) =>
  s
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l.startsWith("fatal:") || l.startsWith("error:"))
    ?.replace(/^(fatal|error): /, "") ?? s.trim().split("\n")[0] ?? "";
