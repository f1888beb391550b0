import fc from "fast-check";
import { cpuMs } from "../helpers/cpu-time.js";
import { describe, expect, it } from "vitest";
import { lintRunbook } from "../../src/check/lint-runbook.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { runCli } from "../helpers/cli.js";

// Issue 13: hostile Markdown and YAML must lint in bounded time, as findings, never as a crash.

/** Frontmatter: plain, an alias chain of some depth and width, many keys, deep flow nesting, evil patterns. */
const frontmatter = fc.oneof(
  fc.constant("id: fuzz\nowner: team-fuzz\n"),
  fc.record({ levels: fc.integer({ min: 1, max: 12 }), width: fc.integer({ min: 1, max: 12 }) }).map(({ levels, width }) => {
    let y = "id: fuzz\nowner: team-fuzz\nl0: &l0 [x]\n";
    for (let i = 1; i <= levels; i++) y += `l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(", ")}]\n`;
    return y;
  }),
  fc.integer({ min: 1, max: 4000 }).map((n) => `id: fuzz\nowner: team-fuzz\n${Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join("\n")}\n`),
  fc.integer({ min: 1, max: 20000 }).map((n) => `id: fuzz\nowner: team-fuzz\ndeep: ${"[".repeat(n)}${"]".repeat(n)}\n`),
  fc.constantFrom("^(a+)+$", "(x+x+)+y", "^(\\w+\\s?)*$", "(?=a)", "(a|aa)*b", "[a-z]{1000}{1000}").map((p) => `id: fuzz\nowner: team-fuzz\nparams:\n  X: {pattern: ${JSON.stringify(p)}, default: "${"a".repeat(40)}!"}\n`),
);

/** Body pieces that stress nesting depth, quadratic shapes, long lines and many ids. */
const piece = fc.oneof(
  fc.record({ depth: fc.integer({ min: 1, max: 8000 }), marker: fc.constantFrom("- ", ">", "> ", "1. ", "* ", "  - ", "> - ") }).map(({ depth, marker }) => `${marker.repeat(depth)}deep\n`),
  fc.record({ n: fc.integer({ min: 1, max: 30000 }), unit: fc.constantFrom("- - a\n", "- a\n  - b\n", "> a\nb\n", "*a", "**a", "* a", "[a](", "_a_ ", "`a", "<a ", "### h\n", "```\n", "{#x}", "$X ", "&a", "\\*") }).map(({ n, unit }) => unit.repeat(n)),
  fc.record({ n: fc.integer({ min: 1, max: 100_000 }), ch: fc.constantFrom("a", " ", "*", "`", "-", "#", "\t", "\\", "[", "$", "_") }).map(({ n, ch }) => `${ch.repeat(n)}\n`),
  fc.record({ steps: fc.integer({ min: 1, max: 3000 }), needs: fc.integer({ min: 0, max: 30000 }) }).map(
    ({ steps, needs }) => `## Steps\n${Array.from({ length: steps }, (_, i) => `### S ${i} {#s${i}}\n`).join("")}\`\`\`sh needs=${Array.from({ length: needs }, (_, i) => `s${i % (steps * 2)}`).join(",")}\ntrue\n\`\`\`\n`,
  ),
  fc.constantFrom("## Steps\n### A\n```sh\necho \"$X\"\n```\n", "## Rollback\n```sh\ntrue\n```\n", "\r\n", "\n\n"),
);

const hostileFile = fc.tuple(frontmatter, fc.array(piece, { minLength: 1, maxLength: 5 })).map(([fm, body]) => `---\n${fm}---\n# Fuzz\n${body.join("")}`.slice(0, 100_000));

describe("hostile Markdown and YAML (property)", () => {
  it("every file up to 100 KB lints in bounded time, with findings that have positions, and no rule crashes", () => {
    fc.assert(
      fc.property(hostileFile, (text) => {
        const { result: findings, ms } = cpuMs(() => lintRunbook(buildRunbook("fuzz.md", text), { commandExists: () => true }));
        // The target is 500 ms for 100 KB (`npm run bench -- hostile-lint`); this bound, in CPU time so
        // that a busy machine does not break it, catches the quadratic cases (seconds to minutes before).
        expect(ms, `${text.length} chars: ${JSON.stringify(text.slice(0, 120))}`).toBeLessThan(3000);
        for (const d of findings) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.message).not.toMatch(/^Rule crashed/);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("the CLI exits 0 or 1 on such files, never 2 or with an internal error", async () => {
    const samples = fc.sample(hostileFile, { numRuns: 4, seed: 13 });
    const { tempDir } = await import("../helpers/tmp.js");
    const { writeFileSync } = await import("node:fs");
    const path = await import("node:path");
    const dir = await tempDir();
    samples.forEach((text, i) => writeFileSync(path.join(dir, `fuzz-${i}.md`), text));
    const r = await runCli(["lint", dir, "--format", "json"], { timeout: 120_000 });
    expect([0, 1]).toContain(r.exitCode);
    expect(r.stderr).not.toContain("internal error");
    expect((JSON.parse(r.stdout) as { files: unknown[] }).files).toHaveLength(samples.length);
  });
});
