import { createRequire } from "node:module";
import type { RE2JS } from "re2js";

/**
 * Param patterns are matched by RE2 (re2js), which runs in time linear in the value: a pattern
 * such as `^(a+)+$` cannot hang lint, a dry run or a run, as it would with JavaScript's RegExp.
 * The price is RE2's syntax: no lookaround and no backreferences.
 */
const MAX_PATTERN_LENGTH = 512;
/** Each `{n}` copies its atom n times in the compiled program: their sum bounds compile time. */
const MAX_REPEAT_TOTAL = 1000;

type Compiled = { readonly ok: true; readonly re: RE2JS } | { readonly ok: false; readonly error: string };

const cache = new Map<string, Compiled>();

/** re2js is some 270 kB of JavaScript: loaded when a first pattern is compiled, not by every lint. */
let re2: typeof import("re2js") | undefined;
const loadRe2 = () => (re2 ??= createRequire(import.meta.url)("re2js") as typeof import("re2js"));

function compile(pattern: string): Compiled {
  let hit = cache.get(pattern);
  if (!hit) {
    hit = compileUncached(pattern);
    if (cache.size < 10_000) cache.set(pattern, hit);
  }
  return hit;
}

function compileUncached(pattern: string): Compiled {
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, error: `Pattern is longer than ${MAX_PATTERN_LENGTH} characters` };
  let repeats = 0;
  for (const m of pattern.matchAll(/\{(\d{1,9})(?:,(\d{0,9}))?\}/g)) repeats += Number(m[2] || m[1]);
  if (repeats > MAX_REPEAT_TOTAL) return { ok: false, error: `Pattern repeats more than ${MAX_REPEAT_TOTAL} times in all (\`{n}\` counts add up)` };
  try {
    return { ok: true, re: loadRe2().RE2JS.compile(pattern) };
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/^error parsing regexp: /, "") : String(error);
    return { ok: false, error: `Expected a valid RE2 regular expression (no lookaround or backreferences): ${why}` };
  }
}

/** Why a pattern cannot be used, or undefined when it can. */
export function patternProblem(pattern: string): string | undefined {
  const c = compile(pattern);
  return c.ok ? undefined : c.error;
}

/**
 * Whether the whole value matches the pattern, as docs/format.md promises: `[a-z0-9.-]+` refuses
 * `x;y`, where a search would find `x` and let the `;` through. `^…$` is allowed and changes nothing.
 */
export function matchesPattern(pattern: string, value: string): boolean {
  const c = compile(pattern);
  return c.ok && c.re.matcher(value).matches();
}
