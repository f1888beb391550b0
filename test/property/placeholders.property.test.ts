import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { lintRunbook } from "../../src/check/lint-runbook.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { scanPlaceholders } from "../../src/model/placeholders.js";

// Pieces of shell that meet at the scanner's edges: quotes, comments, heredocs opened and never
// closed, braces, angle brackets, escapes.
const shellPiece = fc.constantFrom(
  "<", "<<", "<<<", "<<EOF\n", "<<-'E'\n", "EOF\n", "\tE\n", "<(", ">", "2>&1", "<&3", "{{", "}}", "${{", "{{.", "{{-", "-}}", "<a>", "</a>", "<pod-name>",
  "<x y>", "'", '"', "\\", "#", "\n", " ", "$", "X", "name", "-", ".", "{", "}", "(", ")", "|", ";", "&", "=", "é", "\u0000",
);
const shell = fc.oneof(fc.array(shellPiece, { maxLength: 60 }).map((p) => p.join("")), fc.string({ maxLength: 400 }), fc.string({ unit: "binary", maxLength: 200 }));

// Frontmatter that is valid in part: one key wrong, booleans as YAML 1.1 words, params of every shape.
const fmPiece = fc.constantFrom(
  "id: x\n", "owner: o\n", "owner: TODO\n", "params:\n", "  A: {default: 1}\n", "  B: {validation: x}\n", "  C: {secret: yes}\n", "  D: 5\n", "  E:\n",
  "  F: [1, 2]\n", "  __proto__: {}\n", "  toString: {}\n", "  G: {pattern: '[a-z]+', enum: [a, 'b;'], example: 'c d'}\n", "  H: {pattern: '(', default: x}\n",
  "shell: fish\n", "timeout: 30\n", "env: [A, A]\n", "requires: [ok, 'bad name']\n", "tags: [db\n", "\t", "key: 'open\n", ": \n", "- item\n", "*a\n", "&a x\n",
);
const frontmatter = fc.oneof(fc.array(fmPiece, { maxLength: 25 }).map((p) => p.join("")), fc.jsonValue().map((v) => stringify(v)), fc.string({ maxLength: 200 }));

describe("placeholders and the frontmatter path on random input", () => {
  it("scanPlaceholders never throws, and every placeholder is the text at its offset, in order", () => {
    fc.assert(
      fc.property(shell, (source) => {
        let last = -1;
        for (const p of scanPlaceholders(source)) {
          expect(source.slice(p.offset, p.offset + p.text.length)).toBe(p.text);
          expect(p.offset).toBeGreaterThan(last);
          expect(p.name.length).toBeGreaterThan(0);
          last = p.offset;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("a runbook with random frontmatter and random blocks builds and lints without a throw; known is always an object", () => {
    fc.assert(
      fc.property(frontmatter, shell, (fm, block) => {
        const runbook = buildRunbook("random.md", `---\n${fm}\n---\n# T\n## Steps\n### A\n\`\`\`sh\n${block.replace(/`/g, "'")}\n\`\`\`\n`);
        expect(typeof runbook.known).toBe("object");
        if (runbook.meta) expect(runbook.known).toBe(runbook.meta);
        for (const d of lintRunbook(runbook, { commandExists: () => true })) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.message).not.toMatch(/^Rule crashed|undefined|\[object/);
        }
      }),
      { numRuns: 600 },
    );
  });
});
