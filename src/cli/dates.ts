import { UsageError } from "../core/errors.js";

/** Parses a `YYYY-MM-DD` flag as a UTC date; undefined when the flag is absent. */
export function parseDateFlag(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!d || d.toISOString().slice(0, 10) !== value) throw new UsageError(`${flag} expects a date as YYYY-MM-DD, got \`${value}\``);
  return d;
}

/** Today at UTC midnight, as a YYYY-MM-DD string. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
