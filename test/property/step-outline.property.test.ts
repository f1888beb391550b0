import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stepsFingerprint, textFingerprint } from "../../src/check/fingerprint.js";
import { buildFrontmatter, buildRunbook } from "../../src/model/build-runbook.js";
import { frontmatterOf } from "../../src/model/frontmatter-text.js";
import { readFlatFrontmatter } from "../../src/model/frontmatter-flat.js";
import { parseYaml } from "../../src/model/frontmatter-yaml.js";
import { LineIndex } from "../../src/model/positions.js";
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
  if (frontmatter) for (const [path, want] of LOCATED) expect(frontmatter.locate(path, want)).toEqual(full.frontmatter!.locate(path, want));
  return outline !== undefined;
}

/** Where the staleness rules and the schema's findings point. */
const LOCATED: ReadonlyArray<[PropertyKey[], "key" | "value"]> = [[["last_verified"], "key"], [["verified_commit"], "key"], [["id"], "value"], [["owner"], "key"], [["absent"], "key"], [[], "key"], [[], "value"], [["id", "x"], "value"], [["id", 0], "key"]];

/** The flat reader, when it answers, reads the YAML as the parser does: data, no problems, every place. */
function flatHolds(yaml: string): boolean {
  const text = `---\n${yaml}\n---\n`;
  const lines = new LineIndex(text);
  const flat = readFlatFrontmatter(yaml, 4, lines);
  if (!flat) return false;
  const full = parseYaml(yaml, 4, lines);
  expect({ data: flat.data, problems: flat.problems, recovered: flat.recovered }).toEqual({ data: full.data, problems: full.problems, recovered: full.recovered });
  const keys = Object.keys(full.data as object);
  for (const [path, want] of [...LOCATED, ...keys.flatMap((k): Array<[PropertyKey[], "key" | "value"]> => [[[k], "key"], [[k], "value"], [[k, "sub"], "key"]])]) expect(flat.locate(path, want)).toEqual(full.locate(path, want));
  return true;
}

const yamlPiece = fc.constantFrom(
  "id: x", "owner: team-a", "last_verified: 2026-01-01", "verified_commit: abc123", "review_every: 90d", "id: y", "title: Fail over the primary", "a: 1", "b: 1.5", "c: 0x1F",
  "d: true", "e: null", "f: ~", "g: yes", "h: .inf", "i: -1", "j: 1e3", "k: 1_000", "l: v1.2.3", "m: a #c", "n: a # c", "o: 'q'", 'p: "q"', "q: [a]", "r: {a: b}", "s:", "t: a: b",
  "u:  two  spaces", "v: trailing ", "w:\tx", "x: a\ty", "# comment", "#", "  # indented comment", "", " ", "- item", "  nested: x", "__proto__: x", "constructor: x", "true: x", "1: x",
  "key:value", "k-e_y: v", "y: a,b", "z: $HOME/x", "aa: @x", "bb: `x`", "cc: *alias", "dd: &anchor x", "ee: !tag x", "ff: |", "gg: >", "hh: %x", "ii: a: ", "---", "...", "%YAML 1.2",
  "jj: \u00e9t\u00e9", "kk: a\r", "ll: x", "mm: 2026-13-45", "nn: +1", "oo: .5", "pp: 1.", "qq: 0o17", "rr: -.inf", "ss: .NaN", "tt: Null", "uu: FALSE", "vv: x_y",
);
// Mostly lines the flat reader takes, so that many texts are answered by it and compared.
const goodPiece = fc.constantFrom("id: x", "owner: team-a", "last_verified: 2026-01-01", "verified_commit: abc123", "review_every: 90d", "title: Fail over the primary", "l: v1.2.3", "# comment", "", "vv: x_y", "k-e_y: v");
const flatYaml = fc.tuple(fc.array(fc.oneof({ arbitrary: goodPiece, weight: 6 }, { arbitrary: yamlPiece, weight: 1 }), { maxLength: 12 }), fc.constantFrom("\n", "\r\n")).map(([p, eol]) => p.join(eol));

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

  it("equals the full parse on a text that begins with two BOMs (the parser takes both off)", () => {
    void holds("\ufeff\ufeff## steps:\n### #\n");
    void holds("\ufeff\ufeff## Steps\n### A {#a}\n```sh\necho\n```\n");
  });

  it("equals the full parse on a step whose verify comes before its command, or has two (fuzz counterexample)", () => {
    for (const text of ["## steps:\n### 1. Step\n```sh verify\n  ```\n```SH\n", "## Steps\n### A\n```sh verify\nv1\n```\n```sh verify\nv2\n```\n```sh\nc\n```\n```sh rollback\nr\n```\n```sh\nc2\n```\n"]) {
      expect(holds(text), JSON.stringify(text)).toBe(true);
    }
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

  it("reads flat frontmatter as the YAML parser does, on fuzzed lines, and answers most runbooks' frontmatter itself", () => {
    let answered = 0;
    fc.assert(fc.property(flatYaml, (yaml) => void (flatHolds(yaml) && answered++)), { numRuns: 4000 });
    expect(answered).toBeGreaterThan(100);
    const values = corpus.map((t) => frontmatterOf(t).value).filter((v) => v !== undefined);
    // The corpus's frontmatter is mostly richer than flat lines (quotes, lists): where it is not, it must read alike.
    expect(values.length).toBeGreaterThan(10);
    for (const v of values) flatHolds(v);
    expect(flatHolds("id: rb-1\nowner: team-1\nreview_every: 90d\nlast_verified: 2026-11-01\nverified_by: bench\nverified_commit: 0123abcd")).toBe(true);
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
