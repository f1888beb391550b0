/** Levenshtein distance, small strings only (keys, attribute names). */
export function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

/** Longer names are not typos of a short one; comparing them costs length × length. */
const MAX_SUGGEST_LENGTH = 64;

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * A shortened or stem form: `promote` for `promote-it`, `retry` for `retries`, `desc` for
 * `description`. Edit distance alone misses these, and they are what people write from memory.
 */
function stemOf(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 3 && long.startsWith(short)) return true;
  return commonPrefix(a, b) >= Math.max(4, Math.ceil(long.length / 2));
}

/** The closest known name, if it is close enough to be a likely typo (or a shortened form of it). */
export function closest(name: string, known: readonly string[]): string | undefined {
  if (name.length > MAX_SUGGEST_LENGTH) return undefined;
  const lower = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestScore = Infinity;
  let tied = false;
  for (const k of known) {
    const kl = k.toLowerCase();
    const stem = k.length <= MAX_SUGGEST_LENGTH && stemOf(lower, kl);
    // The distance is at least the difference in length: most candidates are skipped unread.
    if (!stem && Math.abs(k.length - name.length) > limit) continue;
    const d = distance(lower, kl);
    if (d > limit && !stem) continue;
    if (d < bestScore) {
      best = k;
      bestScore = d;
      tied = false;
    } else if (d === bestScore) tied = true;
  }
  // Two stems as far apart (`fence` for `fence-primary` and `fence-replica`) are a guess, not a suggestion.
  if (tied && bestScore > limit) return undefined;
  return best;
}

export function didYouMean(name: string, known: readonly string[]): string {
  const s = closest(name, known);
  return s === undefined ? "" : ` (did you mean \`${s}\`?)`;
}

/** Past this many choices a list stops helping (a runbook's thousand step ids): the rest are counted. Every rule id fits. */
const MAX_LISTED = 30;

/** `a`, `b` and `c`, or the first ones and how many more. */
export function listChoices(known: readonly string[]): string {
  const shown = known.slice(0, MAX_LISTED).map((k) => `\`${k}\``);
  const more = known.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.length > 1 ? `${shown.slice(0, -1).join(", ")} or ${shown.at(-1) ?? ""}` : (shown[0] ?? "");
}

/**
 * What to write instead of an unknown name: " (did you mean `x`?)" when one is close, else
 * ": expected one of `a`, `b` or `c`", so a message about an unknown name always leads to a known one.
 */
export function nearestOrChoices(name: string, known: readonly string[]): string {
  const s = closest(name, known);
  if (s !== undefined) return ` (did you mean \`${s}\`?)`;
  return known.length ? `: expected one of ${listChoices(known)}` : "";
}
