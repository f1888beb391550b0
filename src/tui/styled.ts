import type { Piece } from "../report/display-values.js";
import { printableLine } from "../core/printable.js";

/** How a run of text looks: the theme decides the colours (none without colour). */
export type Style = "plain" | "bold" | "dim" | "code" | "command" | "value" | "secret" | "unset" | "key" | "warn" | "error" | "ok" | "break" | "diff" | "caret" | "name" | "chosen";

export interface Span {
  readonly text: string;
  readonly style: Style;
}

/** One terminal line, made of styled runs. */
export type StyledLine = readonly Span[];

export const lineText = (line: StyledLine): string => line.map((s) => s.text).join("");

const length = (s: string): number => Array.from(s).length;

/** Display pieces (values put in) as spans; plain text takes `style`. A value stays on one line: its newlines are shown as \n, so it cannot forge a line. */
export function piecesToSpans(pieces: readonly Piece[], style: Style): Span[] {
  return pieces.map((p) => (p.kind === "text" ? { text: p.text, style } : { text: printableLine(p.text), style: p.kind }));
}

/** Splits spans at newlines: one array of spans per line. */
export function splitLines(spans: readonly Span[]): Span[][] {
  const lines: Span[][] = [[]];
  for (const s of spans) {
    const parts = s.text.split("\n");
    parts.forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part) lines.at(-1)!.push({ text: part, style: s.style });
    });
  }
  return lines;
}

/**
 * Prose wrapped to `width` at spaces, as a paragraph: newlines in the text are spaces (the source's
 * hard line breaks do not survive), a `break` span starts a new line, a word longer than a line is cut.
 * `first` starts the first line, `rest` the others (a list item's hanging indent).
 */
export function wrapWords(spans: readonly Span[], width: number, first = "", rest = ""): StyledLine[] {
  const lines: Span[][] = [];
  let line: Span[] = first ? [{ text: first, style: "plain" }] : [];
  let used = length(first);
  let gap = false;
  const newLine = () => {
    lines.push(line);
    line = rest ? [{ text: rest, style: "plain" }] : [];
    used = length(rest);
    gap = false;
  };
  const fresh = () => used === length(lines.length === 0 ? first : rest);
  for (const s of spans) {
    if (s.style === "break") {
      newLine();
      continue;
    }
    for (const token of s.text.split(/(\s+)/)) {
      if (token === "") continue;
      if (/^\s+$/.test(token)) {
        gap = !fresh();
        continue;
      }
      let word = Array.from(token);
      if (!fresh() && used + (gap ? 1 : 0) + word.length > width) newLine();
      if (gap) {
        line.push({ text: " ", style: "plain" });
        used++;
      }
      gap = false;
      while (used + word.length > width && word.length > 0) {
        const room = Math.max(1, width - used);
        line.push({ text: word.slice(0, room).join(""), style: s.style });
        word = word.slice(room);
        newLine();
      }
      if (word.length) {
        line.push({ text: word.join(""), style: s.style });
        used += word.length;
      }
    }
  }
  if (!fresh() || lines.length === 0) lines.push(line);
  return lines.map(merge);
}

/** Code wrapped to `width` character by character, its whitespace kept; one source line may take several. */
export function wrapCode(spans: readonly Span[], width: number, first = "", rest = ""): StyledLine[] {
  const lines: Span[][] = [];
  let line: Span[] = [{ text: first, style: "plain" }];
  let used = length(first);
  for (const s of spans) {
    let chars = Array.from(s.text);
    while (chars.length > 0) {
      const room = Math.max(1, width - used);
      line.push({ text: chars.slice(0, room).join(""), style: s.style });
      used += Math.min(room, chars.length);
      chars = chars.slice(room);
      if (chars.length > 0) {
        lines.push(line);
        line = [{ text: rest, style: "plain" }];
        used = length(rest);
      }
    }
  }
  lines.push(line);
  return lines.map(merge);
}

/** Neighbouring spans of one style joined, empty ones dropped. */
function merge(line: readonly Span[]): StyledLine {
  const out: Span[] = [];
  for (const s of line) {
    if (s.text === "") continue;
    const last = out.at(-1);
    if (last && last.style === s.style) out[out.length - 1] = { text: last.text + s.text, style: s.style };
    else out.push(s);
  }
  return out;
}

/** The first `max` lines, the last of them saying how many were left out (and, with `how`, how to see them). */
export function clampStyled(lines: readonly StyledLine[], max: number, how = ""): StyledLine[] {
  if (lines.length <= max) return [...lines];
  if (max <= 0) return [];
  if (max === 1) return [[...lines[0]!, { text: ` … (+${lines.length - 1} lines${how})`, style: "dim" }]];
  return [...lines.slice(0, max - 1), [{ text: `… ${lines.length - max + 1} more lines${how}`, style: "dim" }]];
}

/** Chunks (a key and its label, a word) laid out on lines of `width`, a space apart, never split unless one is wider than a line. */
export function wrapChunks(chunks: ReadonlyArray<readonly Span[]>, width: number): StyledLine[] {
  const lines: Span[][] = [];
  let line: Span[] = [];
  let used = 0;
  for (const chunk of chunks) {
    const size = chunk.reduce((n, s) => n + length(s.text), 0);
    if (used > 0 && used + 1 + size > width) {
      lines.push(line);
      line = [];
      used = 0;
    }
    if (used > 0) {
      line.push({ text: " ", style: "plain" });
      used++;
    }
    line.push(...chunk);
    used += size;
  }
  if (line.length || lines.length === 0) lines.push(line);
  return lines.map(merge);
}

/** Words of a text as chunks, each in one style. */
export const words = (text: string, style: Style): Span[][] => text.split(/\s+/).filter(Boolean).map((w) => [{ text: w, style }]);
