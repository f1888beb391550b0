import type { Point } from "./positions.js";
import type { CodeBlock } from "./types.js";

/**
 * File position of an offset inside a fenced block's source. Content lines start the line after
 * the opening fence, shifted right by the fence's own indentation (list items, quotes).
 */
export function sourcePoint(block: CodeBlock, offset: number): Point {
  const before = block.source.slice(0, offset);
  const lineBreaks = before.match(/\r?\n|\r/g)?.length ?? 0;
  const lineStart = Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r")) + 1;
  return {
    line: block.span.start.line + (block.fenced ? 1 : 0) + lineBreaks,
    column: block.span.start.column + (offset - lineStart),
    offset: block.span.start.offset,
  };
}
