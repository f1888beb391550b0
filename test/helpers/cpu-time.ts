/**
 * Milliseconds of CPU this process spends in `fn` (user and system). A bound on CPU time catches a
 * quadratic case as well as one on wall time, and does not fail when other work keeps the machine busy.
 */
export function cpuMs<T>(fn: () => T): { result: T; ms: number } {
  const before = process.cpuUsage();
  const result = fn();
  const used = process.cpuUsage(before);
  return { result, ms: (used.user + used.system) / 1000 };
}
