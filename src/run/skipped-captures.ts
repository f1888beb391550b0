import { UsageError } from "../core/errors.js";
import type { Plan } from "./plan.js";

/** A value a step to run reads, that a step this run skips (`--from`, `--only`) would have captured. */
export interface SkippedCapture {
  readonly name: string;
  /** The step that captures it, which this run does not run. */
  readonly producer: string;
  /** The steps to run that read it. */
  readonly readers: readonly string[];
  /** The producer reads a secret: the value is treated as one (never journaled). */
  readonly secret: boolean;
}

/**
 * The `capture=` values a partial run must be given before anything runs, so that it never fails half
 * way for a value a skipped step would have captured. A value counts when a step to run reads it and
 * the last step before that reader to capture it is one this run skips. Pure.
 */
export function skippedCaptures(plan: Plan, runs: (id: string) => boolean, secretParams: ReadonlySet<string>): SkippedCapture[] {
  const found = new Map<string, { producer: string; readers: string[]; secret: boolean }>();
  /** Name → the last step so far that captures it, and whether this run runs it. */
  const lastProducer = new Map<string, { id: string; runs: boolean; secret: boolean }>();
  for (const step of plan.steps) {
    if (runs(step.id)) {
      for (const name of step.reads) {
        const p = lastProducer.get(name);
        if (!p || p.runs) continue;
        const entry = found.get(name) ?? { producer: p.id, readers: [], secret: p.secret };
        entry.readers.push(step.id);
        found.set(name, entry);
      }
    }
    if (step.capture) {
      const secret = step.reads.some((n) => secretParams.has(n) || lastProducer.get(n)?.secret === true);
      lastProducer.set(step.capture, { id: step.id, runs: runs(step.id), secret });
    }
  }
  return [...found].map(([name, e]) => ({ name, ...e }));
}

/** The `-p` values that are not params but what skipped steps would have captured. */
export function splitGiven(given: Readonly<Record<string, string>>, skipped: readonly SkippedCapture[]): { params: Record<string, string>; captures: Map<string, string> } {
  const names = new Set(skipped.map((c) => c.name));
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  const captures = new Map<string, string>();
  for (const [k, v] of Object.entries(given)) {
    if (names.has(k)) captures.set(k, v);
    else params[k] = v;
  }
  return { params, captures };
}

/** The refusal of a partial run that would fail half way for want of a captured value; undefined when nothing is missing. */
export function missingCapturesError(skipped: readonly SkippedCapture[], given: ReadonlyMap<string, string>): UsageError | undefined {
  const missing = skipped.filter((c) => !given.has(c.name));
  if (!missing.length) return undefined;
  const lines = missing.map((c) => `\`${c.name}\` (captured by ${c.producer}, which this run skips; read by ${c.readers.join(", ")})`);
  return new UsageError(`${missing.length === 1 ? "a value" : "values"} that skipped steps would have captured must be given: ${lines.join("; ")}`, {
    hint: `Pass ${missing.map((c) => `-p ${c.name}=…`).join(" ")} (or RUNBOOK_PARAM_${missing[0]!.name}), or run without --from/--only.`,
  });
}
