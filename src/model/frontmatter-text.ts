/** Where a runbook's YAML frontmatter is, found without the Markdown parser. */
export interface FrontmatterText {
  /** The YAML between the fences, as the parser's `yaml` node holds it; undefined when there is none. */
  readonly value: string | undefined;
  /** Where the Markdown after the frontmatter starts: the line after the closing fence. */
  readonly bodyStart: number;
}

const LINE = /\r\n|\r|\n/g;

/**
 * The frontmatter as remark-frontmatter reads it (micromark-extension-frontmatter): `---` on the
 * very first line, then lines up to the first `---` line (trailing spaces and tabs allowed on both
 * fences); no closing fence, no frontmatter. Pure.
 */
export function frontmatterOf(text: string): FrontmatterText {
  // micromark drops a byte order mark before anything else: the fence may follow one.
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const open = /^---[ \t]*(?:\r\n|\r|\n)/.exec(bom ? text.slice(bom) : text);
  if (!open) return { value: undefined, bodyStart: 0 };
  const contentStart = bom + open[0].length;
  for (let at = contentStart; at <= text.length; ) {
    LINE.lastIndex = at;
    const m = LINE.exec(text);
    const end = m ? m.index : text.length;
    if (/^---[ \t]*$/.test(text.slice(at, end))) {
      // The line ending before the closing fence is not part of the value.
      const valueEnd = at === contentStart ? at : at - (text[at - 2] === "\r" && text[at - 1] === "\n" ? 2 : 1);
      return { value: text.slice(contentStart, valueEnd), bodyStart: m ? m.index + m[0].length : text.length };
    }
    if (!m) break;
    at = m.index + m[0].length;
  }
  return { value: undefined, bodyStart: 0 };
}
