import type { Root } from "mdast";
import remarkFrontmatter from "remark-frontmatter";
import remarkParse from "remark-parse";
import { unified } from "unified";

/**
 * The one unified processor that reads runbooks: remark-parse with YAML frontmatter as a `yaml`
 * node. Frozen once, so each parse costs only the parse; remark plugins (`runbook/remark`) and
 * `runbook fmt` start from the same parser, so every tool sees the same tree.
 */
export const markdownParser = unified().use(remarkParse).use(remarkFrontmatter, ["yaml"]).freeze();

/** Markdown text → mdast, with YAML frontmatter as a `yaml` node. Pure. */
export function parseMarkdown(text: string): Root {
  return markdownParser.parse(text);
}
