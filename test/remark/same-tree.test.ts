import { readFileSync } from "node:fs";
import path from "node:path";
import remarkFrontmatter from "remark-frontmatter";
import remarkParse from "remark-parse";
import { glob } from "tinyglobby";
import { unified } from "unified";
import { VFile } from "vfile";
import { describe, expect, it } from "vitest";
import { markdownParser } from "../../src/parse/markdown.js";
import remarkRunbook from "../../src/remark/index.js";
import { ROOT } from "../helpers/cli.js";

/** Every message of remarkRunbook for one file, in a given processor. */
async function messages(processor: ReturnType<typeof unified>, file: string, value: string) {
  const f = new VFile({ path: file, value, cwd: ROOT });
  await processor.run(processor.parse(f), f);
  return f.messages.map((m) => [m.line, m.column, m.ruleId, m.reason, m.expected]);
}

describe("remarkRunbook in the language server's processor", () => {
  it("lints the tree it is given exactly as it lints after parsing again, BOM or not", async () => {
    const files = await glob(["test/fixtures/**/*.md", "runbooks/**/*.md"], { cwd: ROOT, absolute: true });
    expect(files.length).toBeGreaterThan(20);
    const reused = markdownParser().use(remarkRunbook, { all: true }) as unknown as ReturnType<typeof unified>;
    const parsedAgain = unified().use(remarkParse).use(remarkFrontmatter, ["yaml"]).use(remarkRunbook, { all: true }) as unknown as ReturnType<typeof unified>;
    let compared = 0;
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const value of [text, `\uFEFF${text}`]) {
        expect(await messages(reused, path.relative(ROOT, file), value), file).toEqual(await messages(parsedAgain, path.relative(ROOT, file), value));
        compared++;
      }
    }
    expect(compared).toBe(files.length * 2);
  });
});
