import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lintRunbook } from "../../src/check/lint-runbook.js";
import { buildRunbook } from "../../src/model/build-runbook.js";

// Pieces that exercise the format's edges: frontmatter fences, headings, fences with
// attributes, quotes, CRLF, list nesting, HTML comments, stray NULs.
const piece = fc.constantFrom(
  "---\n", "---\r\n", "id: x\n", "owner: o\n", "params:\n", "  A: {default: 1}\n", "  B: [\n", "\t", "key: 'unterminated\n",
  "# Title\n", "## Steps\n", "## Prerequisites\n", "## Rollback\n", "### Step {#s}\n", "### 1. Step\n", "### {#}\n", "#### deep\n",
  "```sh\n", "```sh confirm timeout=1s needs=a,b capture=X\n", "```bash rollback\n", "```sh verify retries=x\n", '```sh irreversible="why\n',
  "```\n", "~~~\n", "````\n", "- item\n  ```sh\n  echo $A\n  ```\n", "> ```sh\n> quoted\n", "$ prompt\n", "echo \"$UNDECLARED\"\n",
  "<!-- comment\n", "-->\n", "\r\n", "\n", "text\n", "\u0000", "\ufeff", "{#x}", "needs=", "=", '"', "'",
);
const markdown = fc.oneof(fc.array(piece, { maxLength: 40 }).map((p) => p.join("")), fc.string({ maxLength: 300 }), fc.string({ unit: "binary", maxLength: 200 }));

describe("parser and linter on random input", () => {
  it("never throw, and every finding has a position", () => {
    fc.assert(
      fc.property(markdown, (text) => {
        const runbook = buildRunbook("random.md", text);
        const diagnostics = lintRunbook(runbook, { commandExists: () => true });
        for (const d of diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.message).not.toMatch(/^Rule crashed/);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
