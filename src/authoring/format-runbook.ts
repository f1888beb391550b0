import type { Code, Heading, Nodes, Root } from "mdast";
import remarkFrontmatter from "remark-frontmatter";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkStringify, { type Options as StringifyOptions } from "remark-stringify";
import { unified } from "unified";
import type { Problem } from "../check/diagnostic.js";
import { buildRunbook } from "../model/build-runbook.js";
import type { Runbook } from "../model/types.js";

/** The result of formatting one file: the canonical text, or why it was left alone. */
export type FormatResult = { readonly output: string; readonly changed: boolean; /** The input's model. */ readonly runbook: Runbook } | { readonly refused: Problem };

interface FenceData {
  readonly fence: string;
  readonly info: string;
}

declare module "mdast" {
  interface CodeData {
    /** The fence and info string as written, so formatting keeps them byte for byte. */
    runbookFence?: FenceData | undefined;
  }
}

const FENCE = /^[ \t>]*(`{3,}|~{3,})[ \t]*(.*)$/;

/** Fenced blocks keep their fence and info string as written; indented blocks stay indented. */
type Handlers = NonNullable<StringifyOptions["handlers"]>;
type State = Parameters<NonNullable<Handlers["code"]>>[2];

function code(node: Code, _parent: unknown, state: State): string {
  const written = node.data?.runbookFence;
  if (!written) return state.indentLines(node.value, (line, _i, blank) => (blank ? "" : "    ") + line);
  const exit = state.enter("codeFenced");
  const value = `${written.fence}${written.info}\n${node.value ? `${node.value}\n` : ""}${written.fence}`;
  exit();
  return value;
}

const stringifyOptions: StringifyOptions = {
  bullet: "-",
  emphasis: "*",
  strong: "*",
  fence: "`",
  fences: true,
  listItemIndent: "one",
  rule: "-",
  incrementListMarker: true,
  handlers: { code },
};

// GFM, so tables, task lists and autolinks written for GitHub come back as they were written.
/** The parser and writer of canonical runbook Markdown (`fmt`, `import`). */
export const processor = unified().use(remarkParse).use(remarkFrontmatter, ["yaml"]).use(remarkGfm).use(remarkStringify, stringifyOptions).freeze();

/**
 * Canonical Markdown for a runbook, without changing what it means: the frontmatter's bytes are
 * kept, every step heading gets its explicit `{#id}` (rewording it then cannot change an id that
 * journals and `needs=` refer to), fences and info strings are kept as written, and the prose is
 * written the one way remark-stringify writes it. Pure. A file whose structure is broken (an
 * unclosed fence, binary, empty) is refused rather than guessed at.
 */
export function formatRunbook(input: string): FormatResult {
  const bom = input.charCodeAt(0) === 0xfeff ? "\uFEFF" : "";
  const text = bom ? input.slice(1) : input;
  const runbook = buildRunbook("runbook.md", text);
  const broken = runbook.problems.find((p) => p.ruleId === "file-content" || p.ruleId === "fence-terminated" || p.ruleId === "yaml-syntax");
  if (broken) return { refused: broken };
  const unclosed = runbook.blocks.find((b) => b.unterminated);
  if (unclosed) return { refused: { ruleId: "fence-terminated", message: "A fence opened here never closes: close it before formatting", place: unclosed.span } };

  const tree = processor.parse(text);
  const implicit = new Map(runbook.steps.filter((s) => !s.explicitId).map((s) => [s.span.start.offset, s.id]));
  let head = "";
  const first = tree.children[0];
  if (first?.type === "yaml") {
    head = text.slice(0, first.position?.end.offset ?? 0);
    tree.children.shift();
  }
  markFences(tree, text);
  visit(tree, (node) => {
    if (node.type === "heading") {
      const id = implicit.get(node.position?.start.offset ?? -1);
      if (id !== undefined) appendId(node, id);
    }
  });

  const newline = /\r\n/.exec(text)?.[0] === "\r\n" && text.indexOf("\r\n") === text.search(/\r?\n|\r/) ? "\r\n" : "\n";
  const body = tree.children.length ? processor.stringify(tree as Root) : "";
  let output = head ? `${head}\n${body ? `\n${body}` : ""}` : body;
  if (newline === "\r\n") output = head + output.slice(head.length).replace(/\r?\n/g, "\r\n");
  output = bom + output;
  return { output, changed: output !== input, runbook };
}

/** Records each fenced block's fence and info string as written, so the writer keeps them. */
export function markFences(tree: Root, text: string): void {
  visit(tree, (node) => {
    if (node.type !== "code") return;
    const start = node.position?.start.offset ?? 0;
    const line = text.slice(start, text.slice(start).search(/\r?\n|\r|$/) + start);
    const m = FENCE.exec(line);
    if (m) node.data = { ...node.data, runbookFence: { fence: m[1] ?? "```", info: (m[2] ?? "").trim() } };
  });
}

/** A fenced code node that the canonical writer prints with this info string (a fence long enough for its content). */
export function fencedCode(value: string, info: string): Code {
  const longest = Math.max(0, ...[...value.matchAll(/`+/g)].map((m) => m[0].length));
  return { type: "code", lang: info.split(/\s/)[0] || null, meta: null, value, data: { runbookFence: { fence: "`".repeat(Math.max(3, longest + 1)), info } } };
}

function appendId(node: Heading, id: string): void {
  const last = node.children.at(-1);
  if (last?.type === "text") last.value = `${last.value.trimEnd()} {#${id}}`;
  else node.children.push({ type: "text", value: ` {#${id}}` });
}

function visit(node: Nodes, fn: (n: Nodes) => void): void {
  fn(node);
  if ("children" in node) for (const child of node.children) visit(child, fn);
}
