import type { Root } from "mdast";
import remarkFrontmatter from "remark-frontmatter";
import remarkParse from "remark-parse";
import { unified, type Processor } from "unified";
import type { VFile } from "vfile";
import { checkMarkdownLimits } from "./markdown-limits.js";

/**
 * The one unified processor that reads runbooks: remark-parse with YAML frontmatter as a `yaml`
 * node. Frozen once, so each parse costs only the parse; remark plugins (`runbook/remark`) and
 * `runbook fmt` start from the same parser, so every tool sees the same tree (and `remarkRunbook`,
 * in a processor made from this one, lints the tree it was given instead of parsing again).
 */
export const markdownParser = unified().use(remarkParse).use(remarkFrontmatter, ["yaml"]).data("runbookParser", true).freeze();

declare module "unified" {
  interface Data {
    /** Set on processors made from `markdownParser`: their tree is the one `buildRunbook` would parse. */
    runbookParser?: boolean;
  }
}

/** Markdown text → mdast, with YAML frontmatter as a `yaml` node. Pure. */
export function parseMarkdown(text: string): Root {
  return markdownParser.parse(text);
}

/**
 * A unified plugin for processors that parse what anyone may type (the language server's default
 * processor): a document on which the Markdown parser would be slower than linear is not parsed; it
 * becomes an empty tree and one message saying why. (`buildRunbook` checks the same limits itself.)
 */
export function refuseSlowShapes(this: Processor): void {
  const parse = this.parser;
  if (!parse) return;
  this.parser = (document: string, file: VFile) => {
    const breach = checkMarkdownLimits(document);
    if (!breach) return parse(document, file);
    file.message(breach.message, { ruleId: "file-content", source: "runbook" });
    return { type: "root", children: [] };
  };
}
