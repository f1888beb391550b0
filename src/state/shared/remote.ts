import { git } from "./git.js";
import { fetchRefspec } from "./refs.js";

/** Where a clone shares its runs: `share:` in runbook.config.yaml, with the test knobs applied. */
export interface ShareConfig {
  /** The clone's root (the repository holding the runbooks). */
  readonly repo: string;
  readonly remote: string;
  readonly leaseMs: number;
  /** How long a fetch or push may take before the remote counts as unreachable. */
  readonly timeoutMs: number;
}

export type PushOutcome = { readonly ok: true } | { readonly ok: false; readonly why: "rejected" | "unreachable"; readonly detail: string };

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
export async function fetchShared(c: ShareConfig): Promise<string | undefined> {
  const r = await git(c.repo, ["fetch", "--quiet", "--no-tags", "--prune", "--no-write-fetch-head", c.remote, fetchRefspec(c.remote)], { timeoutMs: c.timeoutMs });
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
  const r = await git(c.repo, ["push", "--atomic", "--porcelain", "--quiet", ...leases, c.remote, ...specs], { timeoutMs: c.timeoutMs });
  if (r.code === 0) return { ok: true };
  // The remote answered ref by ref ("!" lines): it refused. No answer at all: it was not reached.
  const refused = r.stdout.split("\n").filter((l) => l.startsWith("!"));
  if (refused.length) {
    const first = refused.find((l) => !/atomic push failed/.test(l)) ?? refused[0]!;
    return { ok: false, why: "rejected", detail: first.split("\t").slice(2).join(" ").trim() };
  }
  return { ok: false, why: "unreachable", detail: r.timedOut ? `no answer within ${Math.round(c.timeoutMs / 1000)}s` : firstLine(r.stderr) || `git push exited ${r.code}` };
}

const firstLine = (s: string) =>
  s
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l.startsWith("fatal:") || l.startsWith("error:"))
    ?.replace(/^(fatal|error): /, "") ?? s.trim().split("\n")[0] ?? "";
