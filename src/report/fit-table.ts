/**
 * A table that fits a width: each column gets its widest cell, then the widest columns give way, one
 * character at a time, until the row fits (first not below a column's longest word, then never below
 * its minimum); a cell wider than its
 * column wraps at spaces (a word wider than the column is cut, and goes on on the next line). Cells
 * may hold several lines. A row of more than one line is followed by a blank line, so rows stay
 * apart. No line ends in spaces. Pure; widths count UTF-16 code units (cells are printable text).
 */
export interface FitColumn {
  readonly head: string;
  /** The narrowest this column gets; a column whose cells are all narrower keeps its own width. */
  readonly min: number;
}

const GAP = 2;

export function fitTable(columns: readonly FitColumn[], rows: ReadonlyArray<readonly string[]>, width: number): string {
  const cellLines = (c: string | undefined) => (c ?? "").split("\n");
  const natural = columns.map((col, i) => Math.max(col.head.length, ...rows.flatMap((r) => cellLines(r[i]).map((l) => l.length))));
  const widths = [...natural];
  const budget = width - GAP * (columns.length - 1);
  const floor = columns.map((col) => Math.max(col.min, col.head.length));
  // First no column gets narrower than its longest word (a word is cut only when it must be), then down to the minimum.
  const words = columns.map((_, i) => Math.max(floor[i]!, ...rows.flatMap((r) => cellLines(r[i]).flatMap((l) => l.split(" ").map((w) => w.length)))));
  for (const limit of [words, floor]) shrink(widths, limit, budget);
  const render = (cells: readonly string[]): string[] => {
    const wrapped = columns.map((_, i) => cellLines(cells[i]).flatMap((l) => wrap(l, widths[i]!)));
    const height = Math.max(1, ...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, k) => wrapped.map((w, i) => (i === columns.length - 1 ? (w[k] ?? "") : (w[k] ?? "").padEnd(widths[i]!))).join(" ".repeat(GAP)).trimEnd());
  };
  const out = render(columns.map((c) => c.head));
  for (const row of rows) {
    const lines = render(row);
    out.push(...lines);
    if (lines.length > 1) out.push("");
  }
  if (out.at(-1) === "") out.pop();
  return `${out.join("\n")}\n`;
}

/** Narrows the widest column above its limit, one character at a time, until the widths fit the budget or none can give. */
function shrink(widths: number[], limit: readonly number[], budget: number): void {
  for (let total = widths.reduce((a, b) => a + b, 0); total > budget; total--) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (w > limit[i]! && (widest === -1 || w > widths[widest]!)) widest = i;
    });
    if (widest === -1) return;
    widths[widest]!--;
  }
}

/** One line wrapped to `width`: at spaces where it can, cut where a word is wider than the line. */
export function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const space = rest.lastIndexOf(" ", width);
    const cut = space > 0 ? space : width;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== "") out.push(rest);
  return out;
}
