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

/** The closest known name, if it is close enough to be a likely typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
  if (name.length > MAX_SUGGEST_LENGTH) return undefined;
  const lower = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of known) {
    // The distance is at least the difference in length: most candidates are skipped unread.
    if (Math.abs(k.length - name.length) > limit) continue;
    const d = distance(lower, k.toLowerCase());
    if (d < bestScore) {
      best = k;
      bestScore = d;
    }
  }
  return best !== undefined && bestScore <= limit ? best : undefined;
}

export function didYouMean(name: string, known: readonly string[]): string {
  const s = closest(name, known);
  return s === undefined ? "" : ` (did you mean \`${s}\`?)`;
}
