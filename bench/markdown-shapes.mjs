#!/usr/bin/env node
// Which Markdown shapes cost the parser more than linear time, and are the limits of
// src/model/markdown-limits.ts in front of each? Every shape is generated at 4, 8, 16 and 32 KiB and
// parsed by the project's parser (remark-parse, what lint reads) and by fmt's (remark-gfm too); the
// CPU time of the best of two runs (not wall time: machines here are shared) and its growth over
// the last doubling are printed, with the size at which the limits refuse the shape, if they do.
// A doubling that costs about 2x is linear, about 4x quadratic. Not part of `npm test` or CI.
//
//   npm run build && node bench/markdown-shapes.mjs [name…]   (KIBS=4,8,16 for other sizes)
import { ROOT } from "./lib/measure.mjs";

const { parseMarkdown } = await import(`${ROOT}/dist/model/parse-markdown.js`);
const { processor } = await import(`${ROOT}/dist/authoring/format-runbook.js`);
const { checkMarkdownLimits } = await import(`${ROOT}/dist/model/markdown-limits.js`);
const gfm = (text) => processor.parse(text);

const rep = (s, n) => s.repeat(n);
const numbered = (n, line) => Array.from({ length: n }, (_, i) => line(i)).join("");
/** @type {Record<string, (n: number) => string>} */
const SHAPES = {
  "atx headings": (n) => rep("# a\n", n),
  "setext headings =": (n) => rep("a\n=\n", n),
  "setext headings -": (n) => rep("a\n-\n", n),
  "setext headings in a quote": (n) => rep("> a\n> =\n", n),
  "thematic breaks": (n) => rep("***\n", n),
  "paragraphs": (n) => rep("a\n\n", n),
  "lines of one paragraph": (n) => rep("a\n", n),
  "link reference definitions": (n) => numbered(n, (i) => `[r${i}]: /u${i}\n\n`),
  "html blocks": (n) => rep("<div>\n\n", n),
  "unclosed html comments": (n) => rep("<!-- a\n", n),
  "nested emphasis": (n) => `${rep("*a **b ", n)}\n`,
  "brackets [a](": (n) => `${rep("[a](", n)}\n`,
  "backtick runs of growing length": (n) => `${numbered(n, (i) => `${"`".repeat((i % 64) + 1)}a`)}\n`,
  "list items": (n) => rep("- a\n", n),
  "list items, two levels": (n) => rep("- a\n  - b\n", n),
  "lazy lines in a list item": (n) => `- a\n${rep("b\n", n)}`,
  "lazy lines in a quote": (n) => `> a\n${rep("b\n", n)}`,
  "indented lines in a list item": (n) => `- a\n${rep("  b\n", n)}`,
  "quote lines": (n) => rep("> a\n", n),
  "fences": (n) => rep("```\na\n```\n", n),
  "hard breaks": (n) => rep("a  \n", n),
  "table rows (gfm)": (n) => `|a|b|\n|-|-|\n${rep("|1|2|\n", n)}`,
  "table cells in one row (gfm)": (n) => `|${rep("a|", n)}\n|${rep("-|", n)}\n`,
  "small tables (gfm)": (n) => rep("|a|b|\n|-|-|\n|1|2|\n\n", n),
  "rows without a pipe (gfm)": (n) => `|a|\n|-|\n${rep("bar\n", n)}`,
  "footnote definitions (gfm)": (n) => numbered(n, (i) => `[^f${i}]: x\n`),
  "nested footnote definitions (gfm)": (n) => `${rep("[^a]: ", n)}x\n`,
  "lazy lines in a footnote (gfm)": (n) => `[^a]: x\n${rep("b\n", n)}`,
  "strikethrough (gfm)": (n) => `${rep("~~a ", n)}\n`,
  "www autolinks (gfm)": (n) => `${rep("www.a.com ", n)}\n`,
};

const KIBS = (process.env.KIBS ?? "4,8,16,32").split(",").map(Number);
const only = process.argv.slice(2);
const cpu = (f, text) => {
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const start = process.cpuUsage();
    f(text);
    best = Math.min(best, process.cpuUsage(start).user / 1000);
    if (best > 500) break;
  }
  return best;
};
/** The largest count whose text fits in `kib`. */
const sized = (make, kib) => {
  let lo = 1;
  let hi = 2;
  while (make(hi).length <= kib * 1024) hi *= 2;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (make(mid).length <= kib * 1024) lo = mid;
    else hi = mid;
  }
  return lo;
};
// Warm-up: the first parse of each construct compiles it.
for (let i = 0; i < 3; i++) {
  const all = Object.values(SHAPES).map((m) => m(100)).join("\n\n");
  parseMarkdown(all);
  gfm(all);
}
console.log(`CPU ms at ${KIBS.join(", ")} KiB; growth over the last doubling; where the limits refuse it`);
for (const [name, make] of Object.entries(SHAPES)) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  const plain = [];
  const withGfm = [];
  let refused = "never";
  for (const kib of KIBS) {
    const text = make(sized(make, kib));
    if (refused === "never" && checkMarkdownLimits(text)) refused = `from ${kib} KiB`;
    plain.push(cpu(parseMarkdown, text));
    withGfm.push(cpu(gfm, text));
    if (Math.max(plain.at(-1), withGfm.at(-1)) > 3000) break;
  }
  const growth = (xs) => (xs.length > 1 && xs.at(-2) > 0 ? `x${(xs.at(-1) / xs.at(-2)).toFixed(1)}` : "");
  const cells = (xs) => xs.map((x) => x.toFixed(0).padStart(6)).join("");
  console.log(`${name.padEnd(36)} remark ${cells(plain)} ${growth(plain).padEnd(6)} gfm ${cells(withGfm)} ${growth(withGfm).padEnd(6)} limits: ${refused}`);
}
