import { writeFile } from "node:fs/promises";
import path from "node:path";
import { VFile } from "vfile";
import { describe, expect, it } from "vitest";
import runbookCompiler from "../../src/authoring/remark-compiler.js";
import { markdownParser, refuseSlowShapes } from "../../src/model/parse-markdown.js";
import { runMain } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

/** List items nested 200 deep: a shape on which the Markdown parser is slower than linear. */
const nested = Array.from({ length: 200 }, (_, i) => `${"  ".repeat(i)}- x`).join("\n");

describe("hostile Markdown outside lint", () => {
  it("import refuses it with a message and exit 2, and imports the other files", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "bad.md"), nested);
    await writeFile(path.join(dir, "good.md"), "# Good\n\n## Restart\n\n```sh\nsystemctl restart app\n```\n");
    const r = await runMain(["import", dir, "--out", path.join(dir, "out")], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr, r.stderr).toMatch(/bad\.md: not imported: .*nest/i);
    expect(r.stderr).toContain("good.md");
  });

  it("the language server's default processor makes it an empty tree and a message, not a hang", () => {
    const processor = markdownParser().use(refuseSlowShapes).use(runbookCompiler);
    const file = new VFile({ path: "bad.md", value: nested });
    const tree = processor.parse(file);
    expect(tree.children).toEqual([]);
    expect(file.messages.map((m) => m.ruleId)).toEqual(["file-content"]);
    const fine = new VFile({ path: "ok.md", value: "# Fine\n" });
    expect(processor.parse(fine).children).toHaveLength(1);
    expect(fine.messages).toEqual([]);
  });
});
