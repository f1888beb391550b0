import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { glob } from "tinyglobby";
import { describe, expect, it } from "vitest";
import { checkMarkdownLimits, MARKDOWN_LIMITS, measureMarkdown } from "../../src/model/markdown-limits.js";

const SAMPLE = fileURLToPath(new URL("../fixtures/corpus-sample", import.meta.url));
const CORPUS = fileURLToPath(new URL("../../../shared/corpus", import.meta.url));

/** Real runbooks stay at a quarter of each limit or less: the limits catch hostile shapes, not long runbooks. */
async function expectHeadroom(folder: string): Promise<number> {
  const files = await glob("**/*.{md,md.erb}", { cwd: folder, absolute: true });
  for (const file of files) {
    const m = measureMarkdown(readFileSync(file, "utf8"));
    expect(m.breach, file).toBeUndefined();
    expect(m.nesting, file).toBeLessThanOrEqual(MARKDOWN_LIMITS.nesting / 2);
    expect(m.blocks, file).toBeLessThanOrEqual(MARKDOWN_LIMITS.blocks / 4);
    expect(m.containerWork, file).toBeLessThanOrEqual(MARKDOWN_LIMITS.containerWork / 4);
    expect(m.inlineWork, file).toBeLessThanOrEqual(MARKDOWN_LIMITS.inlineWork / 4);
    expect(m.setextWork, file).toBeLessThanOrEqual(MARKDOWN_LIMITS.setextWork / 4);
    expect(m.lazyWork, file).toBeLessThanOrEqual(MARKDOWN_LIMITS.lazyWork / 4);
    expect(m.tableCells, file).toBeLessThanOrEqual(MARKDOWN_LIMITS.tableCells / 4);
  }
  return files.length;
}

describe("Markdown limits", () => {
  it("leave every runbook of the committed sample well inside them", async () => {
    expect(await expectHeadroom(SAMPLE)).toBeGreaterThanOrEqual(30);
  });

  // ../shared/corpus exists on the project's machines and in CI, not in a user's clone.
  it.skipIf(!existsSync(CORPUS))("leave every file of ../shared/corpus well inside them", async () => {
    expect(await expectHeadroom(CORPUS)).toBeGreaterThan(900);
  });
  if (!existsSync(CORPUS)) console.warn(`corpus limits test skipped: ${CORPUS} does not exist (it is only on the project's machines)`);

  it("stop at the line where each limit is crossed", () => {
    const lineOf = (text: string) => {
      const b = checkMarkdownLimits(text);
      return b === undefined ? undefined : text.slice(0, b.offset).split("\n").length;
    };
    expect(lineOf(`ok\n${"- ".repeat(33)}x\n`)).toBe(2);
    expect(lineOf(`ok\n${"- ".repeat(32)}x\n`)).toBeUndefined();
    expect(lineOf(`ok\n${">".repeat(33)} x\n`)).toBe(2);
    expect(lineOf("### h\n".repeat(4001))).toBe(4001);
    expect(lineOf(`para\n${"*a".repeat(2001)}\n`)).toBe(2);
    expect(lineOf(`para\n${"*a".repeat(2000)}\n`)).toBeUndefined();
    expect(lineOf("- - a\n".repeat(1000))).toBeGreaterThan(100);
    // Inside a top-level fence nothing counts: a shell block may hold anything.
    expect(lineOf(`\`\`\`sh\n${"- ".repeat(100)}x\n${"*a".repeat(5000)}\n\`\`\`\n`)).toBeUndefined();
    // Indentation alone nests nothing (an indented YAML snippet); snake_case is not emphasis.
    expect(lineOf(`${" ".repeat(200)}key: value\n${"a_b ".repeat(5000)}\n`)).toBeUndefined();
  });

  it("count setext headings by where they are, `=` and `-` alike: each costs the parser the file so far", () => {
    const at = (text: string) => checkMarkdownLimits(text);
    // 8,000 of them took 11 s to lint; about 1,400 are the most a file may hold (a quarter of a second).
    expect(at("a\n=\n".repeat(8000))).toMatchObject({ message: expect.stringMatching(/^Too many headings underlined with `=` or `-` \(by line 28\d\d\)/) });
    expect(at("a\n=\n".repeat(1300))).toBeUndefined();
    // A lone `-` is a list marker to the scan too: whichever count is crossed first says so.
    expect(at("a\n-\n".repeat(8000))?.message).toMatch(/^Too many (headings underlined|nested list items)/);
    expect(at("a\n---\n".repeat(8000))?.message).toMatch(/^Too many headings underlined/);
    expect(at("> a\n> ===\n".repeat(8000))?.message).toMatch(/^Too many headings underlined|^More than 4000/);
    // Late in a long file, fewer: the cost is the product.
    expect(at(`${"p\n\n".repeat(20_000)}${"a\n=\n".repeat(60)}`)?.message).toMatch(/^Too many headings underlined/);
    // Without text above, a line of dashes is a thematic break, and `=` plain text.
    expect(measureMarkdown("---\n\n".repeat(20_000)).setextWork).toBe(0);
    expect(measureMarkdown("# a\n\n===\n".repeat(5000)).setextWork).toBe(0);
  });

  it("count lazy lines by their paragraph's length so far: each makes the parser look back over it", () => {
    const lazy = (n: number, head = "- a\n") => `${head}${"b\n".repeat(n)}`;
    expect(checkMarkdownLimits(lazy(8000))?.message).toMatch(/^Too many lines continuing a list item's, quote's or footnote's paragraph without its indentation or `>` \(a paragraph of 2000 lines by line 2000\)/);
    expect(checkMarkdownLimits(lazy(8000, "> a\n"))?.message).toMatch(/^Too many lines continuing/);
    expect(checkMarkdownLimits(lazy(1900))).toBeUndefined();
    // Many short lazy paragraphs cost little; lines that keep the indentation or the `>` are not lazy.
    expect(measureMarkdown("- a\nb\nc\n\n".repeat(400))).toMatchObject({ lazyWork: 400 * (2 + 3), breach: undefined });
    expect(measureMarkdown(`- a\n${"  b\n".repeat(20_000)}`).lazyWork).toBe(0);
    expect(measureMarkdown(`${"> b\n".repeat(20_000)}`).lazyWork).toBe(0);
    expect(measureMarkdown(`a\n${"b\n".repeat(20_000)}`).lazyWork).toBe(0);
  });

  it("count GFM footnote definitions as containers: nested, and with lazy lines", () => {
    expect(checkMarkdownLimits(`${"[^a]: ".repeat(33)}x\n`)?.message).toMatch(/^Lists, block quotes or footnote definitions nested 33 deep/);
    expect(checkMarkdownLimits(`[^a]: x\n${"b\n".repeat(8000)}`)?.message).toMatch(/^Too many lines continuing/);
    expect(measureMarkdown(`[^a]: x\n${"    b\n".repeat(8000)}`)).toMatchObject({ lazyWork: 0, breach: undefined });
    // A reference in running text, or a link definition, is no container.
    expect(measureMarkdown("see [^a]: x\n[foo]: /url\n")).toMatchObject({ nesting: 0, blocks: 0 });
  });

  it("count every cell and row of every GFM table in the file: formatting matches each against all the others", () => {
    const at = (text: string) => measureMarkdown(text);
    expect(at("| a | b |\n| --- | :-: |\n| 1 | 2 |\n\nText.\n").tableCells).toBe(3 * 3);
    // Rows go on without a `|` until a blank line; a table's head needs a `|` in it or under it.
    expect(at("a|b\n-|-\n1|2\nplain\n\nafter\n").tableCells).toBe(3 + 3 + 3 + 2);
    expect(at("a\n---\n").tableCells).toBe(0);
    expect(at("a \\| b\n| - |\n").tableCells).toBe(2 + 2);
    expect(checkMarkdownLimits(`| a | b |\n|---|---|\n${"| 1 | 2 |\n".repeat(2000)}`)?.message).toMatch(/^Tables with more than 2500 cells and rows in all: formatting would take too long/);
    expect(checkMarkdownLimits(`| a |\n|---|\n${"bar\n".repeat(2000)}`)?.message).toMatch(/^Tables with more than 2500/);
    expect(checkMarkdownLimits(`${"| a | b |\n|---|---|\n| 1 | 2 |\n\n".repeat(400)}`)?.message).toMatch(/^Tables with more than 2500/);
    expect(checkMarkdownLimits(`| a | b |\n|---|---|\n${"| 1 | 2 |\n".repeat(800)}`)).toBeUndefined();
    // Pipes in a shell block are no table.
    expect(at(`\`\`\`sh\n${"ps | grep x\n|-|\n".repeat(5000)}\`\`\`\n`).tableCells).toBe(0);
  });
});
