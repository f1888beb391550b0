import { execa } from "execa";
import { existsSync } from "node:fs";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { Io } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The CLI the tests spawn: the esbuild bundle, which package.json's `bin` names (`npm test` builds it), or another build (`RUNBOOK_TEST_BIN`). */
export const BIN = process.env.RUNBOOK_TEST_BIN ?? fileURLToPath(new URL("../../dist/bundle/runbook.js", import.meta.url));
/** The tsc build of the same CLI (what the GitHub Action runs from a branch ref). */
export const TSC_BIN = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a real child process: for what only a process shows (see `runMain` for the rest). */
export async function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  assertBuilt();
  const r = await execa(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { NO_COLOR: "1", CI: "true", ...opts.env },
    input: opts.input ?? "",
    reject: false,
    stripFinalNewline: false,
    timeout: opts.timeout ?? 60_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A test that spawns the build must be in vitest.config.ts's E2E list, whose setup builds dist/. */
export function assertBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} does not exist: a test that spawns the built CLI belongs in the E2E list of vitest.config.ts (it builds dist/ first)`);
}

export interface CliOptions {
  cwd?: string;
  /** Over this process's environment, as a spawned CLI gets it; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which then ends (no terminal). */
  input?: string;
  timeout?: number;
}

/**
 * Runs `main()` in this process, as `bin.ts` does for the real one, with captured streams: the same
 * code path and the same result as `runCli` without a spawn. The environment is built as a spawned
 * CLI's is (this process's, then NO_COLOR and CI, then `env`); stdin is a pipe holding `input`;
 * no stream is a terminal. Nothing of this process changes: cwd, env and the streams are passed in.
 * For what only a process shows (signals, crashes, a terminal, exit of the binary) use `runCli`.
 */
export async function runMain(argv: readonly string[], opts: CliOptions & { world?: Io["world"] } = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", CI: "true", ...opts.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  // This test hook SIGKILLs the process it runs in: here that would be the test runner.
  if (env.RUNBOOK_TEST_CRASH_AFTER_WRITE !== undefined) throw new Error("RUNBOOK_TEST_CRASH_AFTER_WRITE kills its process: use runCli or spawnCli");
  let stdout = "";
  let stderr = "";
  const stdin = Readable.from(opts.input ? [opts.input] : []);
  const before = processState();
  const exitCode = await main({
    argv,
    cwd: opts.cwd ?? ROOT,
    env,
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin,
    ...(opts.world ? { world: opts.world } : {}),
  });
  stdin.destroy();
  const leaked = leaks(before, processState());
  if (leaked.length) throw new Error(`main left this process changed: ${leaked.join("; ")}`);
  return { exitCode, stdout, stderr };
}

const WATCHED = ["SIGINT", "SIGTERM", "SIGHUP", "exit", "uncaughtException", "unhandledRejection"] as const;

/**
 * What a command run in process must leave as it found it: the exit code is main's return value,
 * never process.exitCode; signal handlers are removed when a run ends; the working folder and
 * the environment are passed in, never changed. Checked after every runMain, so a leak fails the
 * test that caused it rather than a later one.
 */
function processState() {
  return {
    exitCode: process.exitCode,
    cwd: process.cwd(),
    env: JSON.stringify(process.env),
    listeners: WATCHED.map((e) => `${e}=${process.listenerCount(e)}`).join(" "),
  };
}

function leaks(a: ReturnType<typeof processState>, b: ReturnType<typeof processState>): string[] {
  const out: string[] = [];
  if (a.exitCode !== b.exitCode) out.push(`process.exitCode ${String(a.exitCode)} -> ${String(b.exitCode)}`);
  if (a.cwd !== b.cwd) out.push(`cwd ${a.cwd} -> ${b.cwd}`);
  if (a.env !== b.env) out.push("process.env changed");
  if (a.listeners !== b.listeners) out.push(`process listeners ${a.listeners} -> ${b.listeners}`);
  return out;
}
