import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { simpleGit, type SimpleGit, type SimpleGitOptions } from "simple-git";

/**
 * The one way to git. Every git command of the tool goes through this module, on simple-git:
 * `repoAt` for porcelain (status, config, commit), `git`/`gitOk`/`gitBytes` for plumbing through
 * `raw()` (update-ref, for-each-ref, cat-file, fetch, push). Only what must stream (a journal
 * written into git or read out of it a chunk at a time, a long-lived `cat-file --batch`) spawns git
 * itself, through `gitStream` here: simple-git buffers all of stdin and stdout, and these move
 * journals of any size in fixed memory. New objects (a shared run's journal, lease, notes and plans)
 * are written by git-objects.ts: loose objects this process writes itself where it can, else git's
 * own plumbing through this module.
 */

/** Never prompts: a credential prompt would hang a run at 3 a.m. */
export const NO_PROMPT: Readonly<Record<string, string>> = { GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "", SSH_ASKPASS: "" };

export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

export interface GitOptions {
  /** Written to git's stdin; without it stdin is closed at once (nothing waits on it). */
  readonly input?: string | Buffer;
  /**
   * Gives up when git has said nothing on stderr for this long (pass `--progress`): a transfer of a
   * large journal that keeps moving is never cut short, and a remote that stopped answering is given
   * up on just as soon.
   */
  readonly idleTimeoutMs?: number;
  /** Added to the environment (which keeps everything the user set: GIT_SSH_COMMAND, proxies…). */
  readonly env?: Record<string, string>;
}

/**
 * Our arguments are constants and values we made (ref names of validated run ids, shas), and the
 * environment is the user's own: simple-git's guards against untrusted input would only take away
 * what the user configured (an ssh command, a credential helper). Listed in full, so a guard added
 * to simple-git fails the type check here instead of a push at run time.
 */
const TRUSTED: { [K in keyof NonNullable<SimpleGitOptions["unsafe"]>]-?: true } = {
  allowUnsafeAlias: true,
  allowUnsafeAskPass: true,
  allowUnsafeCommandBinaries: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeCredentialHelper: true,
  allowUnsafeEditor: true,
  allowUnsafeMergeDriver: true,
  allowUnsafePager: true,
  allowUnsafeProtocolOverride: true,
  allowUnsafePack: true,
  allowUnsafeDiffExternal: true,
  allowUnsafeTemplateDir: true,
  allowUnsafeSshCommand: true,
  allowUnsafeFilter: true,
  allowUnsafeExec: true,
  allowUnsafeInclude: true,
  allowUnsafeGitProxy: true,
  allowUnsafeUrlRewrite: true,
  allowUnsafeSubmodule: true,
  allowUnsafeHooksPath: true,
  allowUnsafeGpgProgram: true,
  allowUnsafeFsMonitor: true,
  allowUnsafeDiffTextConv: true,
  allowUnsafeCustomBinary: true,
  allowAbbreviatedOptions: true,
};

/** The environment a plumbing command runs with: the user's, never prompting, plus `extra`. */
function environment(extra: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, ...NO_PROMPT, ...extra };
}

/**
 * One git command in a clone, its output as bytes. Never throws: the caller decides what a failure
 * means (a fetch that fails is "cannot reach the remote").
 */
export async function gitBytes(cwd: string, args: readonly string[], o: GitOptions = {}): Promise<{ code: number; stdout: Buffer; stderr: string; timedOut: boolean }> {
  const env = environment(o.env);
  let seen: { code: number; stdout: Buffer; stderr: string; timedOut: boolean } | undefined;
  let client: SimpleGit;
  try {
    client = simpleGit({
      baseDir: cwd,
      // The whole environment is passed on purpose (see TRUSTED).
      allowEnvironment: Object.keys(env),
      unsafe: TRUSTED,
      // Always a Buffer, even an empty one: simple-git leaves stdin open when given "" (a git that
      // reads stdin, such as mktree of an empty tree, would then wait forever); this ends it.
      input: () => (typeof o.input === "string" ? Buffer.from(o.input) : (o.input ?? Buffer.alloc(0))),
      ...(o.idleTimeoutMs !== undefined ? { timeout: { block: o.idleTimeoutMs, stdOut: false, stdErr: true } } : {}),
      // Called for every command, failed or not: the exit code and the bytes, never an exception.
      errors: (error, result) => {
        const timedOut = error instanceof Error && /timeout/i.test(error.message);
        seen = { code: typeof result.exitCode === "number" ? result.exitCode : -1, stdout: Buffer.concat(result.stdOut), stderr: Buffer.concat(result.stdErr).toString(), timedOut };
        return undefined;
      },
    }).env(env);
  } catch (e) {
    // No such folder: git could not even start there.
    return { code: -1, stdout: Buffer.alloc(0), stderr: (e as Error).message, timedOut: false };
  }
  try {
    await client.raw([...args]);
  } catch (e) {
    return seen ?? { code: -1, stdout: Buffer.alloc(0), stderr: (e as Error).message, timedOut: false };
  }
  return seen ?? { code: -1, stdout: Buffer.alloc(0), stderr: "git gave no result", timedOut: false };
}

/** One git command in a clone, its output as text. Never prompts, never throws. */
export async function git(cwd: string, args: readonly string[], o: GitOptions = {}): Promise<GitResult> {
  const r = await gitBytes(cwd, args, o);
  return { code: r.code, stdout: r.stdout.toString(), stderr: r.stderr, timedOut: r.timedOut };
}

/** Like `git`, for plumbing that must work: a failure is a bug or a broken clone, and throws. */
export async function gitOk(cwd: string, args: readonly string[], o: Omit<GitOptions, "idleTimeoutMs"> = {}): Promise<string> {
  const r = await git(cwd, args, o);
  if (r.code !== 0) throw new Error(`git ${args[0] ?? ""} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
  return r.stdout;
}

/** Porcelain (is it a repository, status, config, commit) in the folder of a file. */
export function repoAt(dir: string): SimpleGit {
  return simpleGit(dir);
}

/**
 * git writing its output to a file it is handed (an open descriptor) rather than a pipe: it never
 * waits for this process to read, however busy this process is. Resolves to git's exit code.
 */
export function gitToFile(cwd: string, args: readonly string[], fd: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("git", args, { cwd, stdio: ["ignore", fd, "ignore"], env: { ...process.env, ...NO_PROMPT } });
    child.on("error", () => resolve(-1));
    child.on("close", (code) => resolve(code ?? -1));
  });
}

/**
 * A git child whose stdin and stdout are streams, for what must not be held in memory whole: a
 * journal streamed into `hash-object --stdin` or out of `cat-file --batch`, and one `cat-file --batch`
 * kept open for a whole history. Never prompts.
 */
export function gitStream(cwd: string, args: readonly string[], o: { stderr: "pipe" }): ChildProcessByStdio<Writable, Readable, Readable>;
export function gitStream(cwd: string, args: readonly string[], o: { stderr: "ignore" }): ChildProcessByStdio<Writable, Readable, null>;
export function gitStream(cwd: string, args: readonly string[], o: { stderr: "pipe" | "ignore" }): ChildProcessByStdio<Writable, Readable, Readable | null> {
  const env = { ...process.env, ...NO_PROMPT };
  return o.stderr === "pipe" ? spawn("git", args, { cwd, stdio: ["pipe", "pipe", "pipe"], env }) : spawn("git", args, { cwd, stdio: ["pipe", "pipe", "ignore"], env });
}
