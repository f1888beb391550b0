import os from "node:os";
import type { Io } from "../io.js";

/** Who is running this: RUNBOOK_OPERATOR, else the login name. */
export function operatorName(env: Io["env"]): string {
  if (env.RUNBOOK_OPERATOR) return env.RUNBOOK_OPERATOR;
  try {
    return os.userInfo().username;
  } catch {
    return env.USER ?? "unknown";
  }
}

/** A person can answer when both ends are a terminal and this is not CI. (`--plain` only changes the screen.) */
export function isInteractive(io: Io): boolean {
  return io.stdin.isTTY === true && io.stdout.isTTY === true && !io.env.CI;
}

/**
 * SIGINT and SIGTERM abort the controller (the engine stops the running block and journals the
 * interruption). Returns a function that removes the handlers.
 */
export function onSignals(controller: AbortController): () => void {
  const handler = (signal: NodeJS.Signals) => controller.abort(signal);
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  process.on("SIGHUP", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
    process.off("SIGHUP", handler);
  };
}

/** Test hook: SIGKILL this process right after the Nth journal write (crash-at-every-point tests). */
export function crashHook(env: Io["env"]): ((count: number) => void) | undefined {
  const n = Number(env.RUNBOOK_TEST_CRASH_AFTER_WRITE);
  if (!Number.isInteger(n) || n <= 0) return undefined;
  return (count) => {
    if (count === n) process.kill(process.pid, "SIGKILL");
  };
}

export const realClock = {
  sleep: (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new Error("aborted"));
      const t = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(new Error("aborted"));
      };
      signal.addEventListener("abort", onAbort, { once: true });
    }),
  random: Math.random,
};
