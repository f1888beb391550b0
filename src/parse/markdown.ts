import type { Root } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { frontmatterFromMarkdown } from "mdast-util-frontmatter";
import { frontmatter } from "micromark-extension-frontmatter";

const extensions = [frontmatter(["yaml"])];
const mdastExtensions = [frontmatterFromMarkdown(["yaml"])];

/** Markdown text → mdast, with YAML frontmatter as a `yaml` node. Pure. */
export function parseMarkdown(text: string): Root {
  return fromMarkdown(text, { extensions, mdastExtensions });
}
