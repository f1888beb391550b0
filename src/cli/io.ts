import { writeSync } from "node:fs";
import type { World } from "../run/world.js";

/**
 * The outside world as the CLI sees it: `bin.ts` passes the process's own, tests pass theirs and call
 * `main` in process. Nothing below `main` reads `process.cwd()`, `process.env` or `process.std*`.
 */
export interface Io {
  readonly argv: readonly string[];
  /** The working folder (the file system root the command resolves paths from). */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: Output;
  readonly stderr: Output;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /**
   * The World a run session uses: given the real one (`real-world.ts`), returns the one to use (a
   * test swaps the clock, the runner or the store). Unset: the real one.
   */
  readonly world?: (real: World) => World;
}

export interface Output {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Colour when the stream is a terminal, unless NO_COLOR is set (https://no-color.org) or FORCE_COLOR says otherwise. */
export function useColor(io: Pick<Io, "env">, out: Output): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.FORCE_COLOR !== undefined) return io.env.FORCE_COLOR !== "0";
  return out.isTTY === true && io.env.TERM !== "dumb";
}

/**
 * Output for a command that writes much more than a pipe holds (`log` of a big run into `less`): each
 * write waits until the reader has taken it, so memory stays flat however slow the reader. Node writes
 * to a pipe asynchronously and would otherwise queue the whole journal in memory. A closed reader
 * (EPIPE) ends the output quietly. Test doubles without a file descriptor are written to as they are.
 */
export function blockingOutput(out: Output): Output {
  const fd = (out as { fd?: unknown }).fd;
  if (typeof fd !== "number" || out.isTTY) return out;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let closed = false;
  return {
    write: (chunk: string) => {
      let rest = Buffer.from(chunk);
      while (!closed && rest.length) {
        try {
          rest = rest.subarray(writeSync(fd, rest));
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === "EAGAIN") Atomics.wait(pause, 0, 0, 5);
          else closed = true;
        }
      }
      return true;
    },
  };
}
