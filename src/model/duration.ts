import { z } from "zod";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `500ms`, `30s`, `5m`, `2h`, `90d`, `2w`. */
export const DURATION_PATTERN = /^(\d+)(ms|s|m|h|d|w)$/;

export function parseDuration(text: string): number | undefined {
  const m = DURATION_PATTERN.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return m < 60 ? `${m}m${s ? `${s}s` : ""}` : `${Math.floor(m / 60)}h${m % 60 ? `${m % 60}m` : ""}`;
}

/** Longest duration the format takes: past it, a number is a typo or a way to mean "never". */
export const MAX_DURATION_MS = 365 * UNIT_MS.d;

const DURATION_HELP = "Expected a duration such as `500ms`, `30s`, `5m`, `2h`, `90d` or `2w`";

/** A bare number (`timeout: 30`) gets the same message as a bad text: it says which units to write. */
export const durationSchema = z
  .string({ message: DURATION_HELP })
  .regex(DURATION_PATTERN, { message: DURATION_HELP })
  .transform((s) => parseDuration(s) ?? 0)
  .refine((ms) => ms <= MAX_DURATION_MS, { message: "Expected a duration of at most 365d" });

/** A timeout: a duration above zero. */
export const timeoutSchema = durationSchema.refine((ms) => ms > 0, { message: "A timeout of 0 would stop the block at once; leave `timeout` out for none" });

/**
 * How long a verification stays fresh. Calendar units matter here (`6 months` is not 180 days),
 * so this is kept as a count and a unit, not milliseconds.
 */
export interface ReviewPeriod {
  readonly count: number;
  readonly unit: "day" | "week" | "month" | "year";
}

const REVIEW_UNITS: Record<string, ReviewPeriod["unit"]> = {
  d: "day", day: "day", days: "day",
  w: "week", week: "week", weeks: "week",
  mo: "month", month: "month", months: "month",
  y: "year", year: "year", years: "year",
};

/** `90d`, `2w`, and the GOV.UK Tech Docs style `6 months`, `1 year`, `3 weeks`. */
export const REVIEW_PERIOD_PATTERN = /^\s*(\d+)\s*(d|days?|w|weeks?|mo|months?|y|years?)\s*$/i;

export function parseReviewPeriod(text: string): ReviewPeriod | undefined {
  const m = REVIEW_PERIOD_PATTERN.exec(text);
  if (!m) return undefined;
  const unit = REVIEW_UNITS[(m[2] ?? "").toLowerCase()];
  return unit ? { count: Number(m[1]), unit } : undefined;
}

export const reviewPeriodSchema = z
  .string()
  .regex(REVIEW_PERIOD_PATTERN, { message: "Expected a period such as `90d`, `2w`, `6 months` or `1 year`" })
  .transform((s) => parseReviewPeriod(s) ?? { count: 0, unit: "day" as const });

/** Adds a review period to a calendar date (UTC, day precision). Month ends clamp: Jan 31 + 1 month = Feb 28. */
export function addPeriod(date: Date, p: ReviewPeriod): Date {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  if (p.unit === "day" || p.unit === "week") {
    d.setUTCDate(d.getUTCDate() + p.count * (p.unit === "week" ? 7 : 1));
    return d;
  }
  const months = p.count * (p.unit === "year" ? 12 : 1);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}
