/**
 * Reading a screen as a person does: is a value there whole, down one column, however it wraps?
 * For the terminal UI's tests (ink frames and tmux captures alike).
 */

/** Lines under a value that mark it (carets, "differs from …"), skipped when reading it down its column. */
const isMark = (rest: string) => /^[ ^]*\^[ ^]*(differs from|the same as|$)/.test(rest) || /^(differs from|the same as|from )/.test(rest.trimStart());

/**
 * Whether `value` can be read whole in `lines`: from some column of some line, on down the lines
 * below at that same column (a line of carets or a note under it is skipped), each line holding the
 * next piece of it.
 */
export function readsWhole(lines: readonly string[], value: string): boolean {
  const v = Array.from(value);
  if (v.length === 0) return true;
  const rows = lines.map((l) => Array.from(l));
  const from = (row: number, col: number, at: number, first: boolean): boolean => {
    if (row >= rows.length) return false;
    const rest = rows[row]!.slice(col);
    let k = 0;
    while (k < rest.length && at + k < v.length && rest[k] === v[at + k]) k++;
    if (at + k === v.length) return true;
    if (!first && k === 0 && isMark(rest.join(""))) return from(row + 1, col, at, false);
    // A piece may end before a character that happens to match: try each length, the longest first.
    for (let n = k; n >= 1; n--) if (from(row + 1, col, at + n, false)) return true;
    return false;
  };
  return rows.some((r, row) => r.some((c, col) => c === v[0] && from(row, col, 0, true)));
}

/** The line that holds `text`, its index and the column `text` starts at. */
export function lineWith(lines: readonly string[], text: string): { row: number; col: number } | undefined {
  for (const [row, l] of lines.entries()) {
    const at = l.indexOf(text);
    if (at >= 0) return { row, col: Array.from(l.slice(0, at)).length };
  }
  return undefined;
}
