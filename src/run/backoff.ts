/** Longest wait between two attempts, however large `backoff=` and the attempt number grow. */
export const MAX_BACKOFF_MS = 60_000;
export const DEFAULT_BACKOFF_MS = 1_000;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * a uniform wait in [0, min(cap, base·2^(attempt-1))]. `attempt` is the attempt that just failed,
 * from 1. `random` is in [0, 1).
 */
export function backoffDelay(baseMs: number, attempt: number, random: number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.min(30, attempt - 1));
  return Math.round(ceiling * random);
}
