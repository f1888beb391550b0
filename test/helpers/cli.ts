import { execa } from "execa";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
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

/** Runs the built CLI as a real child process (`npm test` builds first). */
export async function runCli(args: readonly string[], opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string; timeout?: number } = {}): Promise<CliResult> {
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

/** Runs `main()` in this process with captured streams: the same code path, without a spawn. */
export async function runMain(argv: readonly string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const exitCode = await main({
    argv,
    cwd: opts.cwd ?? ROOT,
    env: { NO_COLOR: "1", PATH: process.env.PATH, ...opts.env },
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: new PassThrough(),
  });
  return { exitCode, stdout, stderr };
}
