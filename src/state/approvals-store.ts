import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { RunRefusedError, UsageError } from "../core/errors.js";
import { git, gitOk } from "../system/git.js";
import { objectWriter } from "../system/git-objects.js";
import { readObjects, refsUnder, updateRefs } from "./shared/git-remote.js";
import { fetchShared, prepareClone, pushAtomic, type ShareConfig } from "./shared/remote.js";
import { trackingPrefix } from "./shared/refs.js";

/**
 * Where plans and their signatures live (docs/approvals.md). With `share:`, each plan is a ref,
 * `refs/runbook/approvals/<plan-id>`, a chain of commits whose tree holds `plan.json` (the signed
 * bytes), `signatures.json` and, once a run used it, `used.json`; every change is pushed with
 * compare-and-swap, so two approvals or two runs racing cannot both win. Without `share:`, the same
 * three files sit in `<state>/approvals/<plan-id>/`. All of runbook's git calls for approvals are here.
 */
export const APPROVALS = "refs/runbook/approvals/";
export const PLAN_ID = /^[0-9a-f]{16}$/;

export interface StoredSignature {
  readonly role: "request" | "approval";
  readonly principal: string;
  /** The armored `-----BEGIN SSH SIGNATURE-----` text. */
  readonly signature: string;
  readonly at: string;
}

export interface UsedBy {
  readonly runId: string;
  readonly operator: string;
  readonly at: string;
}

export interface StoredPlan {
  readonly id: string;
  readonly bytes: Buffer;
  readonly signatures: readonly StoredSignature[];
  readonly used: UsedBy | undefined;
  /** What a change must find still there (the commit, with `share:`). */
  readonly version: string | undefined;
}

export interface ApprovalStore {
  readonly where: string;
  read(id: string): Promise<StoredPlan | undefined>;
  list(): Promise<StoredPlan[]>;
  /** Writes a new version of a plan; refused when someone else changed it since `base` was read. */
  write(base: StoredPlan | undefined, next: { id: string; bytes: Buffer; signatures: readonly StoredSignature[]; used?: UsedBy }, message: string): Promise<void>;
}

export function checkPlanId(id: string): string {
  if (!PLAN_ID.test(id)) throw new UsageError(`\`${id}\` is not a plan id (16 hex characters, as \`runbook request\` printed)`, { hint: "See `runbook approvals` for the plans." });
  return id;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

function parseSignatures(text: string | undefined): StoredSignature[] {
  try {
    const v = JSON.parse(text ?? "[]") as unknown;
    return Array.isArray(v) ? (v as StoredSignature[]).filter((s) => typeof s?.principal === "string" && typeof s.signature === "string") : [];
  } catch {
    return [];
  }
}

function parseUsed(text: string | undefined): UsedBy | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as UsedBy;
  } catch {
    // A used.json that cannot be read still says the plan was used.
    return { runId: "unknown", operator: "unknown", at: "unknown" };
  }
}

/** Plans in `<state>/approvals/`: one folder per plan; `used.json` is created exclusively, so a plan is used once. */
export function fileApprovalStore(stateDir: string): ApprovalStore {
  const root = path.join(stateDir, "approvals");
  const read = async (id: string): Promise<StoredPlan | undefined> => {
    const dir = path.join(root, checkPlanId(id));
    const text = async (name: string) => readFile(path.join(dir, name), "utf8").catch(() => undefined);
    const bytes = await readFile(path.join(dir, "plan.json")).catch(() => undefined);
    if (!bytes) return undefined;
    const used = await text("used.json");
    return { id, bytes, signatures: parseSignatures(await text("signatures.json")), used: parseUsed(used), version: undefined };
  };
  return {
    where: path.relative(process.cwd(), root) || root,
    read,
    async list() {
      const ids = await readdir(root).catch(() => [] as string[]);
      const plans = await Promise.all(ids.filter((id) => PLAN_ID.test(id)).map(read));
      return plans.filter((p): p is StoredPlan => p !== undefined);
    },
    async write(base, next) {
      const dir = path.join(root, checkPlanId(next.id));
      await mkdir(dir, { recursive: true, mode: 0o700 });
      if (!base) await writeFile(path.join(dir, "plan.json"), next.bytes, { flag: "wx", mode: 0o600 });
      if (next.used && !base?.used) {
        await writeFile(path.join(dir, "used.json"), json(next.used), { flag: "wx", mode: 0o600 }).catch((e: NodeJS.ErrnoException) => {
          if (e.code === "EEXIST") throw new RunRefusedError(`plan ${next.id} was used by another run just now`, { hint: "A plan is used once: request a new one." });
          throw e;
        });
      }
      const temp = path.join(dir, `.signatures.${process.pid}.tmp`);
      await writeFile(temp, json(next.signatures), { mode: 0o600 });
      await rename(temp, path.join(dir, "signatures.json"));
    },
  };
}

const IDENTITY = { GIT_AUTHOR_NAME: "runbook", GIT_AUTHOR_EMAIL: "runbook@localhost", GIT_COMMITTER_NAME: "runbook", GIT_COMMITTER_EMAIL: "runbook@localhost" };

/** Plans on the git remote (`share:`): read after a fetch, written by a compare-and-swap push. */
export function gitApprovalStore(c: ShareConfig): ApprovalStore {
  const tracking = `${trackingPrefix(c.remote)}approvals/`;
  const fetch = async () => {
    await prepareClone(c);
    // Plans only: a run waiting before a step of `approvals.steps` reads them while its own lock and
    // journal refs move in this clone, and fetching those too would race the runner's own updates.
    const why = await fetchShared(c, `+${APPROVALS}*:${tracking}*`);
    if (why !== undefined) throw new RunRefusedError(`cannot reach the remote \`${c.remote}\` to read approvals: ${why}`, { hint: "Approvals live on the remote with `share:`; try again when it answers." });
  };
  const readAt = async (id: string, sha: string): Promise<StoredPlan | undefined> => {
    const names = ["plan.json", "signatures.json", "used.json"].map((n) => `${sha}:${n}`);
    const objects = await readObjects(c.repo, names);
    const [plan, sigs, used] = names.map((n) => objects.get(n));
    if (!plan) return undefined;
    return { id, bytes: plan, signatures: parseSignatures(sigs?.toString("utf8")), used: parseUsed(used?.toString("utf8")), version: sha };
  };
  return {
    where: `${c.remote} (${APPROVALS}*)`,
    async read(id) {
      checkPlanId(id);
      await fetch();
      const sha = (await refsUnder(c.repo, tracking)).get(id);
      return sha === undefined ? undefined : readAt(id, sha);
    },
    async list() {
      await fetch();
      const refs = await refsUnder(c.repo, tracking);
      const plans = await Promise.all([...refs].filter(([id]) => PLAN_ID.test(id)).map(([id, sha]) => readAt(id, sha)));
      return plans.filter((p): p is StoredPlan => p !== undefined);
    },
    async write(base, next, message) {
      const objects = await objectWriter(c.repo);
      const entries = [
        { name: "plan.json", sha: await objects.blob(next.bytes) },
        { name: "signatures.json", sha: await objects.blob(json(next.signatures)) },
        ...(next.used ? [{ name: "used.json", sha: await objects.blob(json(next.used)) }] : []),
      ];
      const tree = await objects.tree(entries);
      const parent = base?.version;
      const commit = await objects.commit({ tree, parents: parent ? [parent] : [], message, env: IDENTITY });
      const ref = `${APPROVALS}${next.id}`;
      const pushed = await pushAtomic(c, [{ ref, sha: commit, expected: parent }]);
      if (!pushed.ok) {
        if (pushed.why === "moved") throw new RunRefusedError(`plan ${next.id} changed on the remote while this was written (another approval or run came first)`, { hint: "Run the command again: it reads the plan anew." });
        throw new RunRefusedError(`could not push plan ${next.id} to \`${c.remote}\`: ${pushed.detail}`, { hint: pushed.why === "unreachable" ? "Try again when the remote answers." : "Ask whoever administers the remote." });
      }
      // This clone's view of the remote moves with what it pushed; the next fetch confirms it.
      await updateRefs(c.repo, `runbook: ${message}`, [[`${tracking}${next.id}`, commit]]);
    },
  };
}

/** The commit HEAD is at, and whether `file` differs from it (staged, unstaged or untracked). */
export async function commitOfFile(file: string): Promise<{ repo: string; commit: string; dirty: boolean; rel: string } | undefined> {
  const dir = path.dirname(file);
  const top = await git(dir, ["rev-parse", "--show-toplevel"]);
  if (top.code !== 0) return undefined;
  const repo = top.stdout.trim();
  const head = await git(dir, ["rev-parse", "--verify", "--quiet", "HEAD"]);
  if (head.code !== 0) return undefined;
  const status = await git(dir, ["status", "--porcelain", "--", path.basename(file)]);
  const rel = (await gitOk(dir, ["ls-files", "--full-name", "--", path.basename(file)])).trim();
  return { repo, commit: head.stdout.trim(), dirty: status.stdout.trim() !== "" || rel === "", rel: rel || path.relative(repo, file).split(path.sep).join("/") };
}

/** A file's text at a commit, or undefined when it is not there. */
export async function fileAtCommit(repo: string, commit: string, rel: string): Promise<string | undefined> {
  const r = await git(repo, ["show", `${commit}:${rel}`]);
  return r.code === 0 ? r.stdout : undefined;
}

/** One git config value in a repository, or undefined. */
export async function gitConfigValue(dir: string, key: string): Promise<string | undefined> {
  const r = await git(dir, ["config", "--get", key]);
  return r.code === 0 ? r.stdout.trim() || undefined : undefined;
}

/**
 * Whether a commit is on the remote's default branch (fetched now into `refs/runbook-default/<remote>`,
 * outside the tracking namespace, which every fetch of runbook's refs prunes). A plan's commit decides which allowed-signers file
 * judges it: a commit only the requester has (with their own second key added) must never count.
 */
export async function onDefaultBranch(c: ShareConfig, commit: string): Promise<{ ok: boolean; branch: string }> {
  const head = await git(c.repo, ["ls-remote", "--symref", c.remote, "HEAD"], { idleTimeoutMs: c.timeoutMs });
  const branch = /^ref: (refs\/heads\/\S+)\tHEAD$/m.exec(head.stdout)?.[1];
  if (head.code !== 0 || branch === undefined) throw new RunRefusedError(`cannot tell the default branch of \`${c.remote}\`: ${head.stderr.trim().split("\n")[0] || "no HEAD"}`);
  const ref = `refs/runbook-default/${c.remote}`;
  const fetched = await git(c.repo, ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", c.remote, `+${branch}:${ref}`], { idleTimeoutMs: c.timeoutMs });
  if (fetched.code !== 0) throw new RunRefusedError(`cannot fetch ${branch} from \`${c.remote}\`: ${fetched.stderr.trim().split("\n")[0] ?? ""}`);
  const r = await git(c.repo, ["merge-base", "--is-ancestor", commit, ref]);
  return { ok: r.code === 0, branch: branch.slice("refs/heads/".length) };
}
