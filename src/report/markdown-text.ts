import { printableLine, printableOutput } from "../core/printable.js";

/**
 * Text from a journal in Markdown that pastes cleanly into a ticket or a chat: shown, never obeyed.
 * Control characters are escaped first, then what Markdown would read as markup.
 */
export function mdText(text: string): string {
  return printableLine(text).replace(/([\\`*_[\]<>|#~])/g, "\\$1");
}

/** A value as inline code, with a fence of backticks longer than any it holds. */
export function mdCode(text: string): string {
  const t = printableLine(text);
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((m) => m.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${/^`|`$/.test(t) ? ` ${t} ` : t}${fence}`;
}

/** Lines as a fenced block, with a fence no line can close. */
export function mdBlock(lines: readonly string[], info = "text"): string {
  const body = lines.map((l) => printableOutput(l)).join("\n");
  const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((m) => m.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${info}\n${body}\n${fence}\n`;
}

/** `2026-11-28T12:01:02.345Z` → `2026-11-28 12:01:02Z`. */
export const when = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
