import { execa } from "execa";
import { StringDecoder } from "node:string_decoder";
import { setLongTimeout } from "./long-timer.js";
import { BLOCK_TAG, killBlock, processStartTime, signalBlock } from "./proc.js";

export interface BlockRun {
  readonly source: string;
  /** The shell and its flags, e.g. ["bash", "-euo", "pipefail"]. The source is passed with -c, never interpolated. */
  readonly shell: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number | undefined;
  /** Between TERM and KILL when stopping the group. */
  readonly graceMs: number;
  readonly captureStdout: boolean;
  /**
   * Names the block's processes (`RUNBOOK_BLOCK` in their environment, see `blockTag`): a timeout or an
   * interruption stops those that left its process group too.
   */
  readonly tag?: string | undefined;
  readonly signal: AbortSignal;
  /**
   * Run this program instead of `shell -c source` (a block on a remote host: `ssh … bash -s`), with
   * `input` as its stdin: the script, so nothing of it reaches the command line.
   */
  readonly program?: { readonly file: string; readonly args: readonly string[]; readonly input: string } | undefined;
  readonly onSpawn: (pid: number | undefined, startTime: string | undefined) => void;
  readonly onOutput: (stream: "stdout" | "stderr", text: string) => void;
}

export interface BlockResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  /** Stopped because the run was interrupted (Ctrl-C, SIGTERM). */
  readonly interrupted: boolean;
  readonly durationMs: number;
  readonly stdout: string | undefined;
  /** Could not start at all (missing shell, missing cwd). */
  readonly error: string | undefined;
}

export type ProcessRunner = (run: BlockRun) => Promise<BlockResult>;

/** After the shell exits, how long its pipes may stay open (a backgrounded grandchild holds them). */
const DRAIN_MS = 250;
const MAX_CAPTURE = 1024 * 1024;

/**
 * Runs one block as the leader of a new process group, so a timeout or an interrupt can stop the
 * block and everything it started (execa's own timeout would leave grandchildren running).
 */
export const runBlock: ProcessRunner = async (run) => {
  const started = performance.now();
  let timedOut = false;
  let interrupted = false;
  let stdout = "";
  const p = run.program;
  const child = execa(p ? p.file : (run.shell[0] ?? "bash"), p ? [...p.args] : [...run.shell.slice(1), "-c", run.source], {
    cwd: run.cwd,
    env: run.tag === undefined ? run.env : { ...run.env, [BLOCK_TAG]: run.tag },
    extendEnv: false,
    detached: true,
    // A host's script on stdin, which stays open while `ssh` runs: the host stops the block when it closes (system/ssh.ts).
    stdin: p ? ("pipe" as const) : ("ignore" as const),
    reject: false,
    buffer: false,
    stripFinalNewline: false,
    cleanup: false,
  });
  const pid = child.pid;
  if (p) {
    // A host gone before it read the script is the block's failure, told by ssh's exit.
    child.stdin?.on("error", () => undefined);
    child.stdin?.write(p.input);
  }
  run.onSpawn(pid, pid === undefined ? undefined : processStartTime(pid));

  const decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };
  for (const stream of ["stdout", "stderr"] as const) {
    child[stream]?.on("data", (chunk: Buffer) => {
      const text = decoders[stream].write(chunk);
      if (!text) return;
      if (stream === "stdout" && run.captureStdout && stdout.length < MAX_CAPTURE) stdout += text;
      run.onOutput(stream, text);
    });
  }

  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (pid === undefined || killTimer) return;
    signalBlock(pid, run.tag, "SIGTERM");
    killTimer = setTimeout(() => signalBlock(pid, run.tag, "SIGKILL"), run.graceMs);
  };
  const timeout = run.timeoutMs === undefined ? undefined : setLongTimeout(() => ((timedOut = true), stop()), run.timeoutMs);
  const onAbort = () => ((interrupted = true), stop());
  if (run.signal.aborted) onAbort();
  else run.signal.addEventListener("abort", onAbort, { once: true });

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", (e) => resolve({ code: null, signal: null, error: e.message }));
  });
  timeout?.clear();
  child.stdin?.end();
  run.signal.removeEventListener("abort", onAbort);
  // A timed-out or interrupted block goes whole, with what left its group; a finished block's
  // background jobs may stay (a step may start a daemon), but they may not hold the step open
  // through its pipes.
  if (killTimer) clearTimeout(killTimer);
  if ((timedOut || interrupted) && pid !== undefined) await killBlock(pid, run.tag);
  const heldOpen = !(await drain(child, DRAIN_MS));
  if (heldOpen && !timedOut && !interrupted) run.onOutput("stderr", HELD_OPEN);
  await child.catch(() => undefined);
  for (const stream of ["stdout", "stderr"] as const) {
    const rest = decoders[stream].end();
    if (rest) run.onOutput(stream, rest);
  }
  return {
    exitCode: exit.code,
    signal: exit.signal,
    timedOut,
    interrupted,
    durationMs: performance.now() - started,
    stdout: run.captureStdout ? stdout : undefined,
    error: exit.error,
  };
};

/**
 * What the journal says when a process the block left running still held its output after the block
 * ended: the pipe is closed, and that process gets SIGPIPE at its next write. A service a step starts
 * on purpose must write elsewhere.
 */
const HELD_OPEN = "[runbook: a process this block started still held its output when the block ended; it was let go, and it will get SIGPIPE at its next write. Start a background service with its output redirected (`svc > svc.log 2>&1 &`) to keep it running]\n";

/**
 * Waits for both pipes to end, or for `ms` without data (8·ms at most), then lets go of them. Whether
 * both ended by themselves (false: a process still held one open).
 */
async function drain(child: { stdout: NodeJS.ReadableStream | null; stderr: NodeJS.ReadableStream | null }, ms: number): Promise<boolean> {
  const streams = [child.stdout, child.stderr].filter((s): s is NodeJS.ReadableStream & { destroy(): void; readableEnded: boolean } => s !== null);
  const ended = await Promise.all(
    streams.map(
      (s) =>
        new Promise<boolean>((resolve) => {
          if (s.readableEnded) return resolve(true);
          let timer = setTimeout(cut, ms);
          // A grandchild that keeps writing must not hold the step open either.
          const cap = setTimeout(cut, ms * 8);
          function cut() {
            finish(false);
          }
          function finish(byItself: boolean) {
            clearTimeout(timer);
            clearTimeout(cap);
            s.removeListener("data", bump);
            s.destroy();
            resolve(byItself);
          }
          function bump() {
            clearTimeout(timer);
            timer = setTimeout(cut, ms);
          }
          s.on("data", bump);
          s.once("end", () => finish(true));
          s.once("close", () => finish(true));
        }),
    ),
  );
  return ended.every(Boolean);
}
