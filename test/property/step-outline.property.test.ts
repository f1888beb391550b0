import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stepsFingerprint, textFingerprint } from "../../src/check/fingerprint.js";
import { buildFrontmatter, buildRunbook } from "../../src/model/build-runbook.js";
import { frontmatterOf } from "../../src/model/frontmatter-text.js";
import { parseMarkdown } from "../../src/model/parse-markdown.js";
import { readStepOutline, type OutlineBlock, type StepOutline } from "../../src/model/step-outline.js";
import type { Runbook } from "../../src/model/types.js";

// `stale` reads the steps' fingerprint and the frontmatter without the Markdown parser: these hold
// that reading to the full parse, over the corpus sample and over fuzzed texts.
const CORPUS = path.join(import.meta.dirname, "../fixtures/corpus-sample");
const corpus = (readdirSync(CORPUS, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
  .filter((d) => d.isFile() && /\.md(\.erb)?$/.test(d.name))
  .map((d) => readFileSync(path.join(d.parentPath, d.name), "utf8"));

const blockOf = (b: OutlineBlock) => ({ info: b.info, source: b.source.replace(/\r\n?/g, "\n").trimEnd(), role: b.role });
const fromOutline = (o: StepOutline) => ({ prerequisites: o.prerequisites.map(blockOf), steps: o.steps.map((s) => ({ id: s.id, blocks: s.blocks.map(blockOf) })), rollback: o.rollback.map(blockOf) });
const fromModel = (r: Runbook) => ({
  prerequisites: r.prerequisites.map(blockOf),
  steps: r.steps.map((s) => ({ id: s.id, blocks: [s.command, s.verify, s.rollback, ...s.extraCommands].filter((b) => b !== undefined).map(blockOf) })),
  rollback: r.rollback.map(blockOf),
});

/** The outline, when the fast reader gives one, is the full parse's; the fingerprint always is. */
function holds(text: string): boolean {
  const full = buildRunbook("x.md", text);
  const outline = readStepOutline(text);
  if (outline) expect(fromOutline(outline)).toEqual(fromModel(full));
  expect(textFingerprint("x.md", text)).toBe(stepsFingerprint(full));
  const { frontmatter, meta, known } = buildFrontmatter("x.md", text);
  expect({ data: frontmatter?.data, problems: frontmatter?.problems, meta, known }).toEqual({ data: full.frontmatter?.data, problems: full.frontmatter?.problems, meta: full.meta, known: full.known });
  if (frontmatter) expect(frontmatter.locate(["last_verified"], "key")).toEqual(full.frontmatter!.locate(["last_verified"], "key"));
  return outline !== undefined;
}

const piece = fc.constantFrom(
  "---\n", "--- \n", "---\r\n", "id: x\n", "owner: o\n", "last_verified: 2026-01-01\n", "verified_commit: abc\n", "\t", "key: 'unterminated\n",
  "# Title\n", "## Steps\n", "## steps:\n", "## Prerequisites\n", "## Rollback\n", "### Step {#s}\n", "### 1. Step\n", "### {#}\n", "### {#bad id}\n", "#### deep\n",
  "### a_b\n", "### _em_\n", "### *em*\n", "### `code`\n", "### x ###\n", "### #\n", "##\n", "#hashtag\n", "  ### indented\n", "    ### code\n", "### C# #\n",
  "```sh\n", "```sh confirm timeout=1s needs=a,b\n", "```bash rollback\n", "```sh verify\n", "```SH\n", "```sh `x`\n", "~~~ sh\n", "~~~\n", "````\n", "```\n", "  ```\n",
  "- item\n", "- item\n  ```sh\n  echo $A\n  ```\n", "> ```sh\n> quoted\n", "> ## quoted\n", "1. one\n", "<div>\n", "<!-- c\n", "-->\n", "===\n", "-\n", "- - -\n",
  "\r\n", "\r", "\n", "\n", "\n", "text\n", "echo hi\n", "\ufeff", "&amp;\n", "\\#\n", "[ref]: /x\n", "\u00a0### nb\n",
);
const fuzzed = fc.array(piece, { maxLength: 40 }).map((p) => p.join(""));

describe("the steps' outline read without the Markdown parser", () => {
  it("equals the full parse on every file of the corpus sample, and answers most of them itself", () => {
    let answered = 0;
    for (const text of corpus) if (holds(text)) answered++;
    expect(corpus.length).toBeGreaterThan(20);
    // Most runbooks are headings, prose and fences: the fast reader should not fall back on most.
    expect(answered / corpus.length).toBeGreaterThan(0.3);
  });

  it("equals the full parse on fuzzed texts", () => {
    fc.assert(fc.property(fuzzed, (text) => void holds(text)), { numRuns: 3000 });
  });

  it("equals the full parse after random edits of corpus files", () => {
    const edit = fc.record({ file: fc.nat(corpus.length - 1), at: fc.double({ min: 0, max: 1, noNaN: true }), cut: fc.nat(40), insert: fc.oneof(piece, fc.string({ maxLength: 8 })) });
    fc.assert(
      fc.property(edit, ({ file, at, cut, insert }) => {
        const text = corpus[file]!;
        const i = Math.floor(at * text.length);
        void holds(text.slice(0, i) + insert + text.slice(i + cut));
      }),
      { numRuns: 400 },
    );
  });

  it.each(["\uFEFF---\n---\n", "\uFEFF---\nid: x\n---\n# T\n", "\uFEFF# no frontmatter\n---\nid: x\n---\n"])("finds the frontmatter after a byte order mark where remark-frontmatter does (found by this property): %j", (text) => {
    const first = parseMarkdown(text).children[0];
    expect(frontmatterOf(text).value).toBe(first?.type === "yaml" ? first.value : undefined);
  });

  it("finds the frontmatter where remark-frontmatter does", () => {
    fc.assert(
      fc.property(fuzzed, (text) => {
        const first = parseMarkdown(text).children[0];
        expect(frontmatterOf(text).value).toBe(first?.type === "yaml" ? first.value : undefined);
      }),
      { numRuns: 2000 },
    );
  });
});
