/**
 * Limits that keep the Markdown parser fast on any input. micromark is linear on ordinary text
 * but not on some shapes a hostile or broken file can take: every list item or lazy line that
 * closes a container re-copies the document's events so far (quadratic in the file), so does
 * every setext heading (a line of `=` or `-` under text), each lazy line (a line that continues a
 * list item's or quote's paragraph without its indentation or `>`) looks back over its whole
 * paragraph (quadratic in the paragraph), emphasis and link delimiters are matched pairwise within
 * a paragraph (quadratic in the paragraph), GFM tables (`fmt` and `import` parse with remark-gfm)
 * record an edit per cell that is matched against every edit before it in the file (quadratic in
 * all the file's table cells), and deep nesting multiplies them. Measured shape by
 * shape (bench/markdown-shapes.mjs): the others (tables, footnotes, definitions, HTML, code) are linear. This is a cheap, linear pre-scan that estimates that work from
 * the text and refuses a file before the parser sees it. It is deterministic: the same file is
 * refused on a fast machine and a slow one. It over-estimates (it does not know every rule of
 * CommonMark), and the limits are set far above what real runbooks need.
 */

export interface MarkdownLimits {
  /** Containers (block quotes, list items) open on one line. */
  readonly nesting: number;
  /** Headings, list items, block quotes and fences: each costs the parser far more than a line of text. */
  readonly blocks: number;
  /** Estimated work of closing containers: for each line that does, its line number times a weight for how many it closes. */
  readonly containerWork: number;
  /** Estimated work of matching inline delimiters (`*`, `_`, `[`, `]`, `` ` ``, `<`): per paragraph, their count squared. */
  readonly inlineWork: number;
  /** Estimated work of setext headings: for each underline, its line number (the parser re-copies the document so far). */
  readonly setextWork: number;
  /** Estimated work of lazy lines: for each, the lines of its paragraph so far (the parser looks back over them). */
  readonly lazyWork: number;
  /** Table cells and rows in the whole file, with GFM (each row's cells, plus one): their edits are matched pairwise. */
  readonly tableCells: number;
}

export const MARKDOWN_LIMITS: MarkdownLimits = { nesting: 32, blocks: 4_000, containerWork: 2_000_000, inlineWork: 4_000_000, setextWork: 2_000_000, lazyWork: 2_000_000, tableCells: 2_500 };

export interface LimitBreach {
  readonly message: string;
  /** Where the limit was crossed. */
  readonly offset: number;
}

const SPLIT = "split the runbook into several, or simplify its Markdown";

/** What the pre-scan measured: the largest nesting, the blocks, and the two work estimates. */
export interface MarkdownMeasure {
  readonly nesting: number;
  readonly blocks: number;
  readonly containerWork: number;
  readonly inlineWork: number;
  readonly setextWork: number;
  readonly lazyWork: number;
  readonly tableCells: number;
  /** The first limit crossed; the scan stops there. */
  readonly breach: LimitBreach | undefined;
}

/** The first limit the text crosses, or undefined. Pure. */
export function checkMarkdownLimits(text: string, limits: MarkdownLimits = MARKDOWN_LIMITS): LimitBreach | undefined {
  return measureMarkdown(text, limits).breach;
}

/** Scans the text once, line by line, and stops at the first limit it crosses. Pure. */
export function measureMarkdown(text: string, limits: MarkdownLimits = MARKDOWN_LIMITS): MarkdownMeasure {
  let fence: { char: number; length: number } | undefined;
  let prevDepth = 0;
  let maxNesting = 0;
  let blocks = 0;
  let containerWork = 0;
  let inlineWork = 0;
  let setextWork = 0;
  let lazyWork = 0;
  let delimiters = 0;
  /** The paragraph open at this line, if any: the containers it is in, and its lines so far. */
  let paragraph: { depth: number; lines: number } | undefined;
  let tableCells = 0;
  /** Inside a table's rows (from its delimiter row to a blank line). */
  let inTable = false;
  /** The cells of the line before (cellsAt), a table's head if this line is a delimiter row; 0 after a blank line. */
  let cellsBefore = 0;
  let line = 0;
  let lineStart = 0;
  const endParagraph = (): void => {
    inlineWork += delimiters * delimiters;
    delimiters = 0;
  };
  const measure = (breach: LimitBreach | undefined): MarkdownMeasure => ({ nesting: maxNesting, blocks, containerWork, inlineWork, setextWork, lazyWork, tableCells, breach });
  const stop = (message: string, offset: number): MarkdownMeasure => measure({ message, offset });
  while (lineStart < text.length) {
    line++;
    let lineEnd = lineStart;
    while (lineEnd < text.length && text.charCodeAt(lineEnd) !== 10 && text.charCodeAt(lineEnd) !== 13) lineEnd++;
    const next = text.charCodeAt(lineEnd) === 13 && text.charCodeAt(lineEnd + 1) === 10 ? lineEnd + 2 : lineEnd + 1;

    if (fence) {
      if (closesFence(text, lineStart, lineEnd, fence)) fence = undefined;
      lineStart = next;
      continue;
    }
    const p = prefixOf(text, lineStart, lineEnd);
    if (p.blank) {
      endParagraph();
      paragraph = undefined;
      inTable = false;
      cellsBefore = 0;
      lineStart = next;
      continue;
    }
    // Indentation alone (an indented code block, a deep YAML snippet) nests nothing.
    const nesting = p.listItem || p.quote ? p.depth : 0;
    maxNesting = Math.max(maxNesting, nesting);
    if (nesting > limits.nesting) return stop(`Lists, block quotes or footnote definitions nested ${nesting} deep: runbooks nesting over ${limits.nesting} are not parsed; ${SPLIT}`, lineStart);

    // A line that continues fewer containers than the previous one had open closes the rest. Each
    // container that ends (rather than a list item replaced by the next) costs the parser about 8 times more.
    const closed = Math.max(0, prevDepth - p.continued);
    if (closed > 0 || p.listItem) containerWork += line * (1 + 8 * Math.max(0, closed - 1));
    if (containerWork > limits.containerWork) return stop(`Too many nested list items or quoted lines for one runbook (from line ${line} on, parsing would take too long); ${SPLIT}`, lineStart);
    prevDepth = p.depth;

    const c = text.charCodeAt(p.contentStart);
    const opener = c === 96 || c === 126 ? fenceAt(text, p.contentStart, lineEnd) : undefined;
    // A line of `=` or `-` under a paragraph makes it a heading (a lone `-` reads as a list marker).
    const underline = paragraph !== undefined && (underlineAt(text, p.contentStart, lineEnd) || underlineAt(text, lineStart, lineEnd));
    const heading = c === 35 || underline;
    if (underline) {
      setextWork += line;
      if (setextWork > limits.setextWork) return stop(`Too many headings underlined with \`=\` or \`-\` (by line ${line}): each costs the parser a pass over the file so far; write them as \`#\` headings, or ${SPLIT}`, lineStart);
    }
    // Every line after a delimiter row is a row, with or without a `|`, until a blank line.
    const cells = cellsAt(text, p.contentStart, lineEnd);
    if (inTable) tableCells += Math.abs(cells) + 1;
    else if (cellsBefore !== 0 && delimiterRowAt(text, p.contentStart, lineEnd, cellsBefore > 0)) {
      inTable = true;
      tableCells += Math.abs(cellsBefore) + 1 + Math.abs(cells) + 1;
    }
    cellsBefore = heading || opener ? 0 : cells;
    if (heading || opener) inTable = false;
    if (tableCells > limits.tableCells) return stop(`Tables with more than ${limits.tableCells} cells and rows in all: formatting would take too long; ${SPLIT}`, lineStart);
    if (heading || opener || p.contentStart >= lineEnd) paragraph = undefined;
    else if (paragraph && !p.listItem && p.depth < paragraph.depth) {
      // A lazy line: it continues the paragraph without all of its containers' marks.
      lazyWork += ++paragraph.lines;
      if (lazyWork > limits.lazyWork) {
        return stop(`Too many lines continuing a list item's, quote's or footnote's paragraph without its indentation or \`>\` (a paragraph of ${paragraph.lines} lines by line ${line}): parsing would take too long; indent them, or ${SPLIT}`, lineStart);
      }
    } else if (paragraph && !p.listItem && (!p.quote || p.depth === paragraph.depth)) paragraph.lines++;
    else paragraph = { depth: p.depth, lines: 1 };
    if (p.listItem || p.quote || heading || opener) {
      blocks++;
      if (blocks > limits.blocks) return stop(`More than ${limits.blocks} headings, list items, quotes and code fences: too many for one runbook; ${SPLIT}`, lineStart);
    }
    // List items, headings and fences start inline content of their own.
    if (p.listItem || heading || opener) endParagraph();
    if (opener) {
      // Only a top-level fence is tracked: one inside a list or quote ends with its container.
      if (p.depth === 0) fence = opener;
    } else delimiters += countDelimiters(text, p.contentStart, lineEnd);
    if (inlineWork + delimiters * delimiters > limits.inlineWork) {
      return stop(`Too many emphasis, link or code marks (\`*\`, \`_\`, \`[\`, \`]\`, \`\`\`\`, \`<\`) in one paragraph (by line ${line}): parsing would take too long; ${SPLIT}`, lineStart);
    }
    lineStart = next;
  }
  endParagraph();
  return measure(undefined);
}

/**
 * The cells a table row at `i` holds: its unescaped `|` plus one, less a `|` at either end; as a
 * negative number when the line has no `|` at all (one cell, and no head row for a table).
 */
function cellsAt(text: string, i: number, end: number): number {
  let pipes = 0;
  for (let j = i; j < end; j++) {
    const c = text.charCodeAt(j);
    if (c === 92) j++;
    else if (c === 124) pipes++;
  }
  if (pipes === 0) return -1;
  let last = end - 1;
  while (last > i && (text.charCodeAt(last) === 32 || text.charCodeAt(last) === 9)) last--;
  const outer = (text.charCodeAt(i) === 124 ? 1 : 0) + (last > i && text.charCodeAt(last) === 124 && text.charCodeAt(last - 1) !== 92 ? 1 : 0);
  return Math.max(1, pipes + 1 - outer);
}

/** A GFM delimiter row at `i`: `-`, `:`, `|` and blanks only, a `-` at least, and a `|` here or in the head row. */
function delimiterRowAt(text: string, i: number, end: number, headHasPipe: boolean): boolean {
  let dash = false;
  let pipe = headHasPipe;
  for (let j = i; j < end; j++) {
    const c = text.charCodeAt(j);
    if (c === 45) dash = true;
    else if (c === 124) pipe = true;
    else if (c !== 58 && c !== 32 && c !== 9) return false;
  }
  return dash && pipe;
}

/** A setext underline at `i`: a run of `=` or of `-`, spaces and tabs either side, nothing else. */
function underlineAt(text: string, i: number, end: number): boolean {
  while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  const mark = text.charCodeAt(i);
  if (mark !== 61 && mark !== 45) return false;
  while (i < end && text.charCodeAt(i) === mark) i++;
  while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return i === end;
}

interface Prefix {
  readonly blank: boolean;
  /** Containers this line is inside: `>` marks, list markers, and list levels implied by indentation. */
  readonly depth: number;
  /** Containers it continues from the lines before, rather than opens anew. */
  readonly continued: number;
  readonly listItem: boolean;
  readonly quote: boolean;
  readonly contentStart: number;
}

/**
 * Reads a line's container prefix: indentation, `>` marks, list markers (`-`, `+`, `*`, `1.`,
 * `1)` followed by a space) and footnote definitions (`[^note]: `). Each two columns of indentation count as a list level, an upper bound.
 */
function prefixOf(text: string, start: number, end: number): Prefix {
  let i = start;
  let depth = 0;
  let continued = -1;
  let quote = false;
  for (;;) {
    let columns = 0;
    while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) {
      columns += text.charCodeAt(i) === 9 ? 4 : 1;
      i++;
    }
    if (i >= end) return { blank: depth === 0, depth, continued: continued === -1 ? depth : continued, listItem: continued !== -1, quote, contentStart: i };
    depth += columns >> 1;
    const c = text.charCodeAt(i);
    if (c === 62) {
      depth++;
      quote = true;
      i++;
      continue;
    }
    // A GFM footnote definition (`[^note]: `) is a container as a list item is.
    const marker = listMarkerEnd(text, i, end);
    const at = marker === -1 ? footnoteMarkerEnd(text, i, end) : marker;
    if (at === -1) break;
    if (continued === -1) continued = depth;
    depth++;
    i = at;
  }
  return { blank: false, depth, continued: continued === -1 ? depth : continued, listItem: continued !== -1, quote, contentStart: i };
}

/** End of a list marker at `i` (`-`, `+`, `*`, or up to 9 digits and `.` or `)`, then a space or the line's end), or -1. */
function listMarkerEnd(text: string, i: number, end: number): number {
  let j = i;
  const c = text.charCodeAt(j);
  if (c === 45 || c === 43 || c === 42) j++;
  else {
    while (j < end && j - i < 9 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
    if (j === i || (text.charCodeAt(j) !== 46 && text.charCodeAt(j) !== 41)) return -1;
    j++;
  }
  if (j < end && text.charCodeAt(j) !== 32 && text.charCodeAt(j) !== 9) return -1;
  return j;
}

/** End of a footnote definition's `[^label]:` at `i` (then a space or the line's end), or -1. */
function footnoteMarkerEnd(text: string, i: number, end: number): number {
  if (text.charCodeAt(i) !== 91 || text.charCodeAt(i + 1) !== 94) return -1;
  let j = i + 2;
  while (j < end && j - i < 1000 && text.charCodeAt(j) !== 93) j++;
  if (j === i + 2 || text.charCodeAt(j) !== 93 || text.charCodeAt(j + 1) !== 58) return -1;
  j += 2;
  return j === end || text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 ? j : -1;
}

/** A fence opener at `i`: three or more backticks or tildes (a backtick fence's info has no backtick). */
function fenceAt(text: string, i: number, end: number): { char: number; length: number } | undefined {
  const char = text.charCodeAt(i);
  let j = i;
  while (j < end && text.charCodeAt(j) === char) j++;
  if (j - i < 3) return undefined;
  if (char === 96 && text.slice(j, end).includes("`")) return undefined;
  return { char, length: j - i };
}

/** A closing fence: up to three spaces, at least as many of the same mark, then only spaces. */
function closesFence(text: string, start: number, end: number, fence: { char: number; length: number }): boolean {
  let i = start;
  while (i < end && i - start < 3 && text.charCodeAt(i) === 32) i++;
  let n = 0;
  while (i < end && text.charCodeAt(i) === fence.char) {
    i++;
    n++;
  }
  while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return n >= fence.length && i === end;
}

/**
 * Every `*`, `` ` ``, `[`, `]` and `<`, and every `_` at a word's edge. Marks are counted one by one,
 * not by run: a run of 20,000 `*` is matched against the next run a pair at a time.
 */
function countDelimiters(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 93 || c === 60 || c === 42 || c === 96) n++;
    else if (c === 95) {
      let j = i + 1;
      while (j < end && text.charCodeAt(j) === c) j++;
      // Inside a word (snake_case), `_` can neither open nor close emphasis.
      if (!isWordChar(text.charCodeAt(i - 1)) || !isWordChar(text.charCodeAt(j))) n += j - i;
      i = j - 1;
    }
  }
  return n;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;
}
