/**
 * The size of output one block may journal, as the config and the command line write it
 * (`16MiB`, `512KiB`, a number of bytes). The run cuts output to it (run/output-limit.ts).
 */

/** 16 MiB per attempt by default: the first 8 and the last 8. */
export const DEFAULT_OUTPUT_LIMIT = 16 * 1024 * 1024;
export const MIN_OUTPUT_LIMIT = 2 * 1024;
// The tail is held in memory until the block ends.
export const MAX_OUTPUT_LIMIT = 1024 * 1024 * 1024;

export const OUTPUT_LIMIT_PATTERN = /^(\d+) ?(B|K|KiB|M|MiB|G|GiB)?$/;
const UNIT: Record<string, number> = { B: 1, K: 1024, KiB: 1024, M: 1024 ** 2, MiB: 1024 ** 2, G: 1024 ** 3, GiB: 1024 ** 3 };

export const OUTPUT_LIMIT_HELP = "a size such as 16MiB, 512KiB or 1GiB (or a number of bytes), from 2KiB to 1GiB";

/** A size such as `16MiB`, `512KiB`, `1G` or a number of bytes; undefined when it is not one, or out of range. */
export function parseOutputLimit(value: string | number): number | undefined {
  const m = OUTPUT_LIMIT_PATTERN.exec(String(value).trim());
  if (!m) return undefined;
  const bytes = Number(m[1]) * (UNIT[m[2] ?? "B"] ?? 1);
  return Number.isSafeInteger(bytes) && bytes >= MIN_OUTPUT_LIMIT && bytes <= MAX_OUTPUT_LIMIT ? bytes : undefined;
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3 && n % 1024 ** 3 === 0) return `${n / 1024 ** 3} GiB`;
  if (n >= 1024 ** 2 && n % 1024 ** 2 === 0) return `${n / 1024 ** 2} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n.toLocaleString("en-US")} bytes`;
}
