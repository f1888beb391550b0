#!/usr/bin/env node
// The reference for "how fast can Markdown with frontmatter be read at all": micromark through
// mdast-util-from-markdown with the frontmatter extension, one process, no rules, no output.
// Usage: node bench/parse-only.mjs <glob> [cwd]
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fromMarkdown } from "mdast-util-from-markdown";
import { frontmatterFromMarkdown } from "mdast-util-frontmatter";
import { frontmatter } from "micromark-extension-frontmatter";
import { glob } from "tinyglobby";

const [pattern, cwd = process.cwd()] = process.argv.slice(2);
const files = (await glob(pattern, { cwd, onlyFiles: true })).sort();
const options = { extensions: [frontmatter(["yaml"])], mdastExtensions: [frontmatterFromMarkdown(["yaml"])] };
let nodes = 0;
for (const file of files) {
  const tree = fromMarkdown(await readFile(path.resolve(cwd, file), "utf8"), options);
  nodes += tree.children.length;
}
if (nodes === 0) process.exitCode = 1;
