import { execa } from "execa";

export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/**
 * One git command in a clone. Never prompts (a credential prompt would hang a run), never throws:
 * the caller decides what a failure means (a fetch that fails is "cannot reach the remote").
 * `idleTimeoutMs` gives up when git has said nothing (on stderr: pass `--progress`) for that long:
 * a transfer of a large journal that keeps moving is never cut short by a fixed timeout, and a
 * remote that stopped answering is given up on just as soon.
 */
export async function git(cwd: string, args: readonly string[], o: { input?: string | Buffer; timeoutMs?: number; idleTimeoutMs?: number; env?: Record<string, string> } = {}): Promise<GitResult> {
  const child = execa("git", args, {
    cwd,
    reject: false,
    stripFinalNewline: false,
    ...(o.input !== undefined ? { input: o.input } : { stdin: "ignore" as const }),
    ...(o.timeoutMs !== undefined ? { timeout: o.timeoutMs } : {}),
    env: { GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "", SSH_ASKPASS: "", ...o.env },
  });
  let idle = false;
  let timer: NodeJS.Timeout | undefined;
  if (o.idleTimeoutMs !== undefined) {
    const ms = o.idleTimeoutMs;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        child.kill("SIGTERM");
      }, ms);
    };
    arm();
    child.stderr?.on("data", arm);
  }
  try {
    const r = await child;
    return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), timedOut: r.timedOut === true || idle };
  } finally {
    clearTimeout(timer);
  }
}

/** Like `git`, for plumbing that must work: a failure is a bug or a broken clone, and throws. */
export async function gitOk(cwd: string, args: readonly string[], o: { input?: string | Buffer; env?: Record<string, string> } = {}): Promise<string> {
  const r = await git(cwd, args, o);
  if (r.code !== 0) throw new Error(`git ${args[0] ?? ""} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
  return r.stdout;
}

/** The commit a ref points at, or undefined. */
export async function refSha(cwd: string, ref: string): Promise<string | undefined> {
  const r = await git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** Refs under a prefix, with the commit each points at. */
export async function refsUnder(cwd: string, prefix: string): Promise<Map<string, string>> {
  return new Map([...(await refsWithSubjects(cwd, prefix))].map(([name, r]) => [name, r.sha]));
}

/** Refs under a prefix, with the commit each points at and its subject line. */
export async function refsWithSubjects(cwd: string, prefix: string): Promise<Map<string, { sha: string; subject: string }>> {
  const out = await gitOk(cwd, ["for-each-ref", "--format=%(refname) %(objectname) %(subject)", prefix]);
  const refs = new Map<string, { sha: string; subject: string }>();
  for (const line of out.split("\n")) {
    const [name, sha, ...subject] = line.split(" ");
    if (name && sha) refs.set(name.slice(prefix.length), { sha, subject: subject.join(" ") });
  }
  return refs;
}

/** Objects' contents by sha, through one `git cat-file --batch`. */
export async function readObjects(cwd: string, names: readonly string[]): Promise<Map<string, Buffer | undefined>> {
  const out = new Map<string, Buffer | undefined>();
  if (names.length === 0) return out;
  const r = await execa("git", ["cat-file", "--batch"], { cwd, input: names.map((n) => `${n}\n`).join(""), encoding: "buffer", reject: false, maxBuffer: 1 << 30 });
  const buf = Buffer.from(r.stdout as Uint8Array);
  let at = 0;
  for (const name of names) {
    const nl = buf.indexOf(10, at);
    if (nl === -1) break;
    const m = /^\S+ (\S+) (\d+)$/.exec(buf.subarray(at, nl).toString());
    at = nl + 1;
    if (!m) {
      out.set(name, undefined);
      continue;
    }
    const size = Number(m[2]);
    out.set(name, buf.subarray(at, at + size));
    at += size + 1;
  }
  return out;
}

export async function isAncestor(cwd: string, older: string, newer: string): Promise<boolean> {
  return (await git(cwd, ["merge-base", "--is-ancestor", older, newer])).code === 0;
}

/** Several refs, each named exactly, in one look: ref → commit (absent ones are left out). */
export async function refShas(cwd: string, refs: readonly string[]): Promise<Map<string, string>> {
  const out = await gitOk(cwd, ["for-each-ref", "--format=%(refname) %(objectname)", ...refs]);
  const found = new Map<string, string>();
  for (const line of out.split("\n")) {
    const [name, sha] = line.split(" ");
    // for-each-ref matches patterns by prefix: keep only the exact names asked for.
    if (name && sha && refs.includes(name)) found.set(name, sha);
  }
  return found;
}

/** Moves refs in this clone in one transaction, with a reflog message. */
export async function updateRefs(cwd: string, message: string, updates: ReadonlyArray<readonly [ref: string, sha: string]>): Promise<void> {
  if (updates.length === 0) return;
  await gitOk(cwd, ["update-ref", "-m", message, "--stdin"], { input: updates.map(([ref, sha]) => `update ${ref} ${sha}\n`).join("") });
}
