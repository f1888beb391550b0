import { execSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatRunbook } from "../../src/authoring/format-runbook.js";
import { stepGraphOf } from "../helpers/step-graph.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CORPUS = fileURLToPath(new URL("../../../shared/corpus", import.meta.url));

function format(text: string): string {
  const r = formatRunbook(text);
  if ("refused" in r) throw new Error(`refused: ${r.refused.message}`);
  return r.output;
}

/** fmt's contract for one file: refused, or idempotent with the same step graph. */
function expectMeaningKept(text: string, name: string): boolean {
  const r = formatRunbook(text);
  if ("refused" in r) return false;
  // Each result carries the model of its input: the second pass's is the output's.
  const again = formatRunbook(r.output);
  if ("refused" in again) throw new Error(`${name}: the formatted text is refused: ${again.refused.message}`);
  expect(again.output, `${name}: formatting twice changes it again`).toBe(r.output);
  expect(stepGraphOf(again.runbook), `${name}: the step graph changed`).toEqual(stepGraphOf(r.runbook));
  return true;
}

describe("formatRunbook", () => {
  it("gives every step an explicit id and keeps the frontmatter's bytes", () => {
    const text = "---\nid:   spaced-out   # a comment\nowner: 'team-a'\n---\n# T\n## Steps\n### 1. Check the lag\n```sh\ntrue\n```\n### Fence {#fence}\n```sh needs=check-the-lag\ntrue\n```\n";
    const out = format(text);
    expect(out.startsWith("---\nid:   spaced-out   # a comment\nowner: 'team-a'\n---\n\n# T\n")).toBe(true);
    expect(out).toContain("### 1. Check the lag {#check-the-lag}\n");
    expect(out).toContain("### Fence {#fence}\n");
  });

  it("keeps fences and info strings as written, and indented blocks indented", () => {
    const text = "---\nid: x\nowner: y\n---\n# T\n## Steps\n### A {#a}\n~~~~sh   confirm  irreversible=\"it is `final`\"\nrm -rf /tmp/x\n~~~~\n\n    indented\n";
    const out = format(text);
    expect(out).toContain("~~~~sh   confirm  irreversible=\"it is `final`\"\nrm -rf /tmp/x\n~~~~\n");
    expect(out).toContain("\n    indented\n");
  });

  it("keeps CRLF line endings and a byte-order mark", () => {
    const text = "\uFEFF---\r\nid: x\r\nowner: y\r\n---\r\n# T\r\n## Steps\r\n### Go\r\n```sh\r\ntrue\r\n```\r\n";
    const out = format(text);
    expect(out).toBe("\uFEFF---\r\nid: x\r\nowner: y\r\n---\r\n\r\n# T\r\n\r\n## Steps\r\n\r\n### Go {#go}\r\n\r\n```sh\r\ntrue\r\n```\r\n");
  });

  it("refuses, fast, a runbook whose GFM tables would take seconds to parse (edits matched pairwise across the file)", () => {
    const text = `---\nid: t\nowner: o\n---\n# T\n\n| host | role |\n| --- | --- |\n${"| db-1 | primary |\n".repeat(8000)}`;
    const started = performance.now();
    const r = formatRunbook(text);
    expect(r).toMatchObject({ refused: { ruleId: "file-content", message: expect.stringMatching(/^Tables with more than 2500 cells and rows in all/) } });
    // It took 14 s before; generous on a busy machine.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("refuses a file whose fence never closes, with the place", () => {
    const r = formatRunbook("---\nid: x\nowner: y\n---\n# T\n## Steps\n### A\n```sh\ntrue\n");
    expect(r).toMatchObject({ refused: { ruleId: "fence-terminated", place: { start: { line: 8, column: 1 } } } });
  });

  it("is idempotent and keeps the step graph of every bundled runbook", () => {
    for (const f of ["demo-failover.md", "postgres-failover.md", "template.md"]) expect(expectMeaningKept(readFileSync(`${ROOT}/runbooks/${f}`, "utf8"), f)).toBe(true);
  });

  it("is idempotent and keeps the step graph of generated runbooks (property)", () => {
    const word = fc.stringMatching(/^[A-Za-z][a-z0-9]{0,6}$/);
    const prose = fc.array(fc.constantFrom("Some *emphasis*", "a `code` span", "- a list item", "1. numbered", "> quoted", "| a | b |\n|---|---|\n| 1 | 2 |", "text_with_underscores", "<b>html</b>", "a \\* star", "[link](http://x.y)"), { maxLength: 3 }).map((xs) => xs.join("\n\n"));
    const fence = fc.constantFrom("```", "~~~", "````");
    const attrs = fc.constantFrom("", " confirm", " retries=2 backoff=1s", " rollback", " verify", "   timeout=5s   confirm", ' irreversible="no way back"', " capture=OUT");
    const block = fc.tuple(fence, fc.constantFrom("sh", "bash", "console", "sql", ""), attrs, fc.constantFrom("true", "echo \"$X\"", "a\n\nb", "$ kubectl get pods")).map(([f, lang, a, body]) => `${f}${lang}${lang ? a : ""}\n${body}\n${f}\n`);
    const step = fc.tuple(word, fc.boolean(), prose, fc.array(block, { maxLength: 3 }), fc.boolean()).map(([title, explicit, p, blocks, inList]) => {
      const body = inList ? blocks.map((b) => `- ${b.replace(/\n(?!$)/g, "\n  ")}`).join("\n") : blocks.join("\n");
      return `### ${title}${explicit ? ` {#${title.toLowerCase()}}` : ""}\n${p}\n\n${body}`;
    });
    const runbook = fc.tuple(fc.array(step, { maxLength: 5 }), prose).map(([steps, intro]) => `---\nid: gen\nowner: t\n---\n# Generated\n\n${intro}\n\n## Steps\n${steps.join("\n")}`);
    fc.assert(fc.property(runbook, (text) => void expectMeaningKept(text, "generated")), { numRuns: 300 });
  });

  // ../shared/corpus exists on the project's machines and in CI, not in a user's clone.
  it.skipIf(!existsSync(CORPUS))("is idempotent and keeps the step graph of every file in ../shared/corpus", () => {
    const files = execSync(`find "${CORPUS}" -type f \\( -name '*.md' -o -name '*.md.erb' \\)`, { encoding: "utf8" }).trim().split("\n");
    expect(files.length).toBeGreaterThan(900);
    const formatted = files.filter((f) => expectMeaningKept(readFileSync(f, "utf8"), f)).length;
    // A few have a fence that never closes and are refused instead.
    expect(formatted).toBeGreaterThan(files.length * 0.98);
    // About 30 s on a quiet machine; shared machines run several suites at once.
  }, 600_000);
  if (!existsSync(CORPUS)) console.warn(`fmt corpus test skipped: ${CORPUS} does not exist (it is only on the project's machines)`);
});
