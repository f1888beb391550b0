import { readFileSync } from "node:fs";
import path from "node:path";
import remarkFrontmatter from "remark-frontmatter";
import remarkParse from "remark-parse";
import { glob } from "tinyglobby";
import { unified } from "unified";
import { VFile } from "vfile";
import { describe, expect, it } from "vitest";
import { markdownParser } from "../../src/model/parse-markdown.js";
import remarkRunbook from "../../src/editor/index.js";
import { ROOT, runMain } from "../helpers/cli.js";

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

describe("remarkRunbook and git history", () => {
  it("reports stale-changed as `runbook lint` does: the commit that changed the steps, and the unsaved text itself", async () => {
    const { gitRepo } = await import("../helpers/git.js");
    const repo = await gitRepo();
    const body = (cmd: string) => `# Flush\n\n## Steps\n\n### Flush {#flush}\n\n\`\`\`sh\n${cmd}\n\`\`\`\n`;
    await repo.write("rb.md", `---\nid: flush\nowner: team\n---\n${body("echo one")}`);
    const verified = await repo.commit("runbook");
    const fm = `---\nid: flush\nowner: team\nlast_verified: 2099-01-01\nverified_commit: ${verified}\n---\n`;
    await repo.write("rb.md", `${fm}${body("echo two")}`);
    await repo.commit("flush twice as hard");
    const processor = markdownParser().use(remarkRunbook) as unknown as ReturnType<typeof unified>;
    const lint = async (value: string) => {
      const f = new VFile({ path: path.join(repo.dir, "rb.md"), value, cwd: repo.dir });
      await processor.run(processor.parse(f), f);
      return f.messages.filter((m) => m.ruleId?.startsWith("stale-")).map((m) => [m.ruleId, m.reason]);
    };
    expect(await lint(`${fm}${body("echo two")}`)).toEqual([["stale-changed", expect.stringContaining("flush twice as hard")]]);
    // The editor's text, not the file's: steps typed back to what was verified are fresh again.
    expect(await lint(`${fm}${body("echo one")}`)).toEqual([]);
    const cli = JSON.parse((await runMain(["lint", "rb.md", "--format", "json"], { cwd: repo.dir })).stdout) as { files: Array<{ diagnostics: Array<{ ruleId: string; message: string }> }> };
    expect(cli.files.flatMap((f) => f.diagnostics).filter((d) => d.ruleId.startsWith("stale-")).map((d) => [d.ruleId, d.message])).toEqual([["stale-changed", (await lint(`${fm}${body("echo two")}`))[0]![1]]]);
  });
});
