import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lintRunbook } from "../../src/check/lint-runbook.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { parseMarkdown } from "../../src/model/parse-markdown.js";
import { sectionParser, sectionStarts } from "../../src/model/section-parse.js";

// The language server re-parses only the sections of a runbook that changed: these hold its tree,
// and the findings from it, to a parse of the whole text, over the corpus sample and random edits.
const CORPUS = path.join(import.meta.dirname, "../fixtures/corpus-sample");
const corpus = (readdirSync(CORPUS, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
  .filter((d) => d.isFile() && /\.md(\.erb)?$/.test(d.name))
  .map((d) => readFileSync(path.join(d.parentPath, d.name), "utf8"));

const piece = fc.constantFrom(
  "\n", "\n\n", "# T\n", "## Steps\n", "### Step {#s}\n", "#### deep\n", "#x\n", "  ## indented\n", "```sh\n", "```\n", "````\n", "~~~\n", "  ```\n", "```a`b\n",
  "- item\n", "  continued\n", "> quote\n", "1. one\n", "<div>\n", "<!--\n", "-->\n", "[x]: /y\n", "[x]\n", "text\n", "===\n", "---\n", "    code\n", "\t", "\r\n", "\r", "*", "`",
);
const fuzzedEdit = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), cut: fc.nat(30), insert: fc.oneof(fc.array(piece, { maxLength: 4 }).map((p) => p.join("")), fc.string({ maxLength: 6 })) });
const applyEdit = (text: string, e: { at: number; cut: number; insert: string }) => {
  const i = Math.floor(e.at * text.length);
  return text.slice(0, i) + e.insert + text.slice(i + e.cut);
};
const findings = (text: string, tree?: ReturnType<typeof parseMarkdown>) => lintRunbook(buildRunbook("x.md", text, tree), { commandExists: () => true, today: new Date("2026-11-27T00:00:00Z") });

describe("parsing by section, as the language server does", () => {
  it("gives the whole text's tree for every file of the corpus sample, and cuts most of them", () => {
    const parse = sectionParser(parseMarkdown);
    let cut = 0;
    for (const text of corpus) {
      expect(parse(text)).toEqual(parseMarkdown(text));
      if (sectionStarts(text).length) cut++;
    }
    expect(cut / corpus.length).toBeGreaterThan(0.3);
  });

  it("gives the whole text's tree and findings after a series of random edits of a corpus file", () => {
    fc.assert(
      fc.property(fc.nat(corpus.length - 1), fc.array(fuzzedEdit, { minLength: 1, maxLength: 4 }), (file, edits) => {
        // One parser through the edits, as one open document: sections of earlier versions are reused.
        const parse = sectionParser(parseMarkdown);
        let text = corpus[file]!;
        parse(text);
        for (const e of edits) {
          text = applyEdit(text, e);
          const tree = parse(text);
          expect(tree).toEqual(parseMarkdown(text));
          expect(findings(text, tree)).toEqual(findings(text));
        }
      }),
      { numRuns: 120 },
    );
  }, 600_000);

  it("gives the whole text's tree for a fence or HTML in a list item, tab-indented or after the marker (fuzz counterexamples)", () => {
    for (const text of ["- item\n\t```\n\n# T\n", "*  ```\n\n## Steps\n", "> ```\n\n# T\n", "1. ~~~\n\n# T\n", "1. one\n\t<!--\n\n### Step {#s}\n", "- <div>\n\n# T\n"]) {
      expect(sectionParser(parseMarkdown)(text), JSON.stringify(text)).toEqual(parseMarkdown(text));
    }
  });

  it("gives the whole text's tree on fuzzed texts", () => {
    const parse = sectionParser(parseMarkdown);
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 50 }), (pieces) => {
        const text = pieces.join("");
        expect(parse(text)).toEqual(parseMarkdown(text));
      }),
      { numRuns: 3000 },
    );
  });
});
