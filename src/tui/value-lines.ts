import { printableLine } from "../core/printable.js";
import { twinNote, type Twin } from "../report/near-twins.js";
import { wrapWords, type Span, type Style, type StyledLine } from "./styled.js";
import { MASKED } from "../core/masked.js";

const length = (s: string): number => Array.from(s).length;

/**
 * One value, whole, in a column `width` wide: wrapped character by character, never cut. Where it
 * differs from a look-alike, those characters are styled `diff`, and under them a line of carets and
 * a note ("differs from REPLICA_URL at character 34") say so in text: a terminal without colour, or
 * a capture of one, shows them too. A secret is `***` and is never compared. Pure.
 */
export function valueLines(value: string, opts: { readonly width: number; readonly style: Style; readonly twins?: readonly Twin[] | undefined; readonly secret?: boolean }): StyledLine[] {
  if (opts.secret) return [[{ text: MASKED, style: "secret" }]];
  const width = Math.max(1, opts.width);
  const twins = opts.twins ?? [];
  const chars = Array.from(value);
  const differ = twins.filter((t) => !t.same);
  // The characters shown, one per column: a control character shows as an escape of several.
  const cells: Array<{ text: string; marked: boolean }> = [];
  const startOf: number[] = [];
  chars.forEach((c, i) => {
    startOf.push(cells.length);
    const marked = differ.some((t) => i >= t.from && i < t.to);
    for (const d of Array.from(printableLine(c))) cells.push({ text: d, marked });
  });
  startOf.push(cells.length);
  const rows = Math.max(1, Math.ceil(cells.length / width));
  const carets = new Set<number>();
  cells.forEach((c, i) => c.marked && carets.add(i));
  // The other value has more characters here: the caret points between two of this one's.
  for (const t of differ) if (t.from === t.to) carets.add(Math.min(startOf[Math.min(t.from, chars.length)]!, rows * width - 1));

  const out: StyledLine[] = [];
  let lastCaret = -1;
  for (let r = 0; r < rows; r++) {
    const row = cells.slice(r * width, (r + 1) * width);
    const spans: Span[] = [];
    for (const c of row) {
      const style: Style = c.marked ? "diff" : opts.style;
      const last = spans.at(-1);
      if (last && last.style === style) spans[spans.length - 1] = { text: last.text + c.text, style };
      else spans.push({ text: c.text, style });
    }
    out.push(spans);
    const under = Array.from({ length: width }, (_, col) => (carets.has(r * width + col) ? "^" : " ")).join("").trimEnd();
    if (under !== "") {
      out.push([{ text: under, style: "caret" }]);
      lastCaret = out.length - 1;
    }
  }
  const note = twinNote(twins);
  if (note === "") return out;
  const at = out[lastCaret];
  // The note goes after the carets when it fits there, else on lines of its own.
  if (at && length(at[0]!.text) + 1 + length(note) <= width) out[lastCaret] = [{ text: `${at[0]!.text} ${note}`, style: "caret" }];
  else out.push(...wrapWords([{ text: note, style: "caret" }], width));
  return out;
}

/** Columns side by side: each part's lines padded to its width (the last part's are not), `gap` (or the part's own) apart. */
export function besides(parts: ReadonlyArray<{ readonly lines: readonly StyledLine[]; readonly width: number; readonly gap?: number }>, gap = 1): StyledLine[] {
  const height = Math.max(0, ...parts.map((p) => p.lines.length));
  const out: StyledLine[] = [];
  for (let i = 0; i < height; i++) {
    const line: Span[] = [];
    parts.forEach((p, j) => {
      const cell = p.lines[i] ?? [];
      line.push(...cell);
      if (j < parts.length - 1) {
        const used = cell.reduce((n, s) => n + length(s.text), 0);
        line.push({ text: " ".repeat(Math.max(0, p.width - used) + (p.gap ?? gap)), style: "plain" });
      }
    });
    // A line that ends in padding is trimmed: nothing to its right.
    while (line.length && line.at(-1)!.style === "plain" && line.at(-1)!.text.trim() === "") line.pop();
    out.push(line);
  }
  return out;
}

/** A name cut to pieces of `width`: a name is an identifier, and wraps like a value. */
export function nameLines(name: string, width: number, style: Style): StyledLine[] {
  const chars = Array.from(printableLine(name));
  const w = Math.max(1, width);
  const out: StyledLine[] = [];
  for (let at = 0; at < chars.length || at === 0; at += w) out.push([{ text: chars.slice(at, at + w).join(""), style }]);
  return out;
}
