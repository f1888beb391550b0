import type { Nodes, Root, RootContent } from "mdast";
import type { Processor } from "unified";
import type { VFile } from "vfile";
import { frontmatterOf } from "./frontmatter-text.js";

interface Point {
  line: number;
  column: number;
  offset?: number | undefined;
}

/** Parses of other texts an unchanged section's tree is kept for (a few documents open at once). */
const KEEP_FOR = 16;

/**
 * Where a Markdown text can be cut into top-level sections that parse on their own exactly as they
 * parse in the whole: before an ATX heading at the left margin that follows a blank line, outside a
 * fenced block and the frontmatter. Such a heading closes every container and every block but a
 * fence and an HTML block, so only those are tracked; from the first line the tracking cannot be sure
 * of (an indented fence that may be in a list, an HTML block) there are no more cuts. A text with a
 * link reference or footnote definition (`]:`, which counts across the whole document), a lone CR,
 * a BOM, or a `---` first line that opens no frontmatter is not cut at all. Returns the offsets where sections start after the first.
 */
export function sectionStarts(text: string): number[] {
  if (text.includes("]:") || /\r(?!\n)/.test(text) || text.charCodeAt(0) === 0xfeff) return [];
  const fm = frontmatterOf(text);
  // A `---` that opens no frontmatter leaves the parser reading lists differently for the whole text
  // (micromark-extension-frontmatter keeps state from the failed attempt): nothing parses alone there.
  if (fm.value === undefined && text.startsWith("---")) return [];
  const cuts: number[] = [];
  const line = /[^\n]*(?:\n|$)/y;
  let blank = false;
  let fence: RegExp | undefined;
  for (let at = fm.bodyStart; at < text.length; ) {
    line.lastIndex = at;
    const whole = line.exec(text)![0];
    const content = whole.replace(/\r?\n$/, "");
    const start = at;
    at += whole.length;
    if (fence) {
      if (fence.test(content)) fence = undefined;
      continue;
    }
    // Any indent, tabs too (a tab-indented fence can open inside a list item), and after list markers
    // and `>` (`*  ```` opens a fence in a list item): both fuzz counterexamples.
    const open = CONTAINED_FENCE.exec(content);
    if (open && !(open[2]![0] === "`" && open[3]!.includes("`"))) {
      // In a container, a fence closes with it: which one such a fence is in is not known here.
      if (open[1] !== "") break;
      fence = new RegExp(`^ {0,3}${open[2]![0] === "`" ? "`" : "~"}{${open[2]!.length},}[ \\t]*$`);
      blank = false;
      continue;
    }
    // An HTML block, at the margin or in a container (`1. one` then `\t<!--`: a fuzz counterexample).
    if (CONTAINED_HTML.test(content)) break;
    if (blank && /^#{1,6}(?:[ \t]|$)/.test(content)) cuts.push(start);
    blank = /^[ \t]*$/.test(content);
  }
  return cuts;
}

/** Indentation and container markers (`>`, `-`, `*`, `+`, `1.`, `1)`) before a line's first block. */
const PREFIX = String.raw`(?:[ \t]|>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))*`;
const CONTAINED_FENCE = new RegExp(String.raw`^(${PREFIX})(\`{3,}|~{3,})(.*)$`);
const CONTAINED_HTML = new RegExp(`^${PREFIX}<`);

/**
 * A parse that re-parses only the sections that changed since the texts it parsed last (see
 * sectionStarts), and stitches the sections' trees with their positions moved: the tree is equal to
 * the whole text's parse (a property test holds it to that over the corpus and random edits). For an
 * editor, where one keystroke changes one section of a long runbook.
 */
export function sectionParser(parse: (text: string) => Root): (text: string) => Root {
  const kept = new Map<string, { tree: Root; used: number }>();
  let parses = 0;
  return (text) => {
    parses++;
    const starts = sectionStarts(text);
    if (starts.length === 0) return parse(text);
    const bounds = [0, ...starts, text.length];
    const children: RootContent[] = [];
    let line = 1;
    let first: Root | undefined;
    let last: { tree: Root; line: number; offset: number } | undefined;
    for (let i = 0; i + 1 < bounds.length; i++) {
      const from = bounds[i]!;
      const section = text.slice(from, bounds[i + 1]);
      let entry = kept.get(section);
      if (!entry) kept.set(section, (entry = { tree: parse(section), used: parses }));
      entry.used = parses;
      for (const child of entry.tree.children) children.push(moved(child, line - 1, from));
      first ??= entry.tree;
      last = { tree: entry.tree, line, offset: from };
      line += lineCount(section);
    }
    if (kept.size > (bounds.length - 1) * 2) for (const [key, value] of kept) if (parses - value.used >= KEEP_FOR) kept.delete(key);
    const start = first?.position?.start ?? { line: 1, column: 1, offset: 0 };
    const end = last?.tree.position?.end;
    return { type: "root", children, position: { start: { ...start }, end: end ? point(end, last!.line - 1, last!.offset) : { line, column: 1, offset: text.length } } };
  };
}

/**
 * A unified plugin: the processor's parser re-parses only the sections that changed (sectionParser).
 * Use it before plugins that check the whole text first (refuseSlowShapes), so they still see all of it.
 */
export function parseBySection(this: Processor): void {
  const parse = this.parser;
  if (!parse) return;
  // Syntax extensions added by a project's plugins (directives, math) may make blocks that span headings.
  const extensions = () => (this.data("micromarkExtensions") ?? []).length;
  const plain = extensions();
  this.parser = (document: string, file: VFile) => {
    if (extensions() !== plain) return parse(document, file) as Root;
    // Kept across processors: unified-engine makes a new one from the configured one for every check.
    const key = file.path ?? "";
    let entry = OPEN.get(key);
    if (!entry) {
      if (OPEN.size >= KEEP_FOR) OPEN.delete(OPEN.keys().next().value!);
      const made: { parse: (text: string) => Root; sections?: (text: string) => Root } = { parse: (text) => parse(text, file) as Root };
      made.sections = sectionParser((text) => made.parse(text));
      OPEN.set(key, (entry = made as Required<typeof made>));
    }
    entry.parse = (text) => parse(text, file) as Root;
    return entry.sections(document);
  };
}

/** Per open document (by path), its sections' trees. */
const OPEN = new Map<string, { parse: (text: string) => Root; sections: (text: string) => Root }>();

function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

function point(p: Point, lines: number, offset: number): Point {
  return { line: p.line + lines, column: p.column, offset: (p.offset ?? 0) + offset };
}

/** A copy of a section's node with its positions moved to where the section is in the whole text. */
function moved<T extends Nodes>(node: T, lines: number, offset: number): T {
  const out = { ...node };
  if (node.position) out.position = { start: point(node.position.start, lines, offset), end: point(node.position.end, lines, offset) };
  if ("children" in node) (out as { children: Nodes[] }).children = node.children.map((c) => moved(c, lines, offset));
  return out;
}
