/** Markdown prose as plain, readable terminal text: emphasis, links and heading marks removed. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/^#{1,6}\s+/gm, "")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, "$1 ($2)")
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/(^|[^*\w])[*_]([^*_\n]+)[*_](?=[^*\w]|$)/g, "$1$2")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/^\s*[-*+]\s+/gm, "• ")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Cuts text to `max` lines, saying how many were left out. */
export function clampLines(text: string, max: number): string[] {
  const lines = text.split("\n");
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max - 1), `… (${lines.length - max + 1} more lines)`];
}
