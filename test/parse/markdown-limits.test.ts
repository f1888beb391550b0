import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { glob } from "tinyglobby";
import { describe, expect, it } from "vitest";
import { checkMarkdownLimits, MARKDOWN_LIMITS, measureMarkdown } from "../../src/parse/markdown-limits.js";

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
});
