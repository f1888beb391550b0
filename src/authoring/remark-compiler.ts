import type { Root } from "mdast";
import type { Plugin } from "unified";
import { formatRunbook } from "./format-runbook.js";

/**
 * Makes a unified processor write what `runbook fmt` writes: the language server's "Format
 * Document" then keeps the frontmatter's bytes, fences and info strings, and adds step ids, as the
 * CLI does. It formats the file's own text (a tree changed by other plugins is not what fmt
 * reads); a file fmt refuses (an unclosed fence) comes back unchanged.
 */
const runbookCompiler: Plugin<[], Root, string> = function () {
  this.compiler = (_tree, file) => {
    const text = String(file.value ?? "");
    const result = formatRunbook(text);
    return "refused" in result ? text : result.output;
  };
};

export default runbookCompiler;
