import type { Code, Heading as MdHeading, Nodes, Root, RootContent } from "mdast";
import { blocksByRole } from "./step-blocks.js";
import type { Problem } from "./problem.js";
import { parseYaml, type FrontmatterSource } from "./frontmatter-yaml.js";
import { readFlatFrontmatter } from "./frontmatter-flat.js";
import { LineIndex, type Span } from "./positions.js";
import { parseMarkdown } from "./parse-markdown.js";
import { checkMarkdownLimits } from "./markdown-limits.js";
import { frontmatterOf } from "./frontmatter-text.js";
import { SHELL_LANGS } from "./schema/attributes.js";
import type { Frontmatter } from "./schema/frontmatter-schema.js";
import { recoverFrontmatter, validateFrontmatter, type KnownFrontmatter } from "./schema/validate-frontmatter.js";
import { readBlockAttributes } from "./block-attributes.js";
import { didYouMean } from "./suggest.js";
import { HEADING_ATTRIBUTES, slugify, splitHeadingId, STEP_ID_PATTERN } from "./slug.js";
import type { BlockSection, CodeBlock, Heading, Runbook, ShellBlock, Step } from "./types.js";

/**
 * Markdown parsing costs about 4 s per MiB and far more memory; the largest real runbook seen
 * is 63 KB, so anything over 256 KiB is almost surely not a runbook and is refused up front.
 */
export const MAX_RUNBOOK_CHARS = 256 * 1024;

interface StepDraft {
  readonly heading: Heading;
  readonly id: string;
  readonly explicitId: boolean;
  readonly drillSkip: boolean;
  readonly bodyStart: number;
  bodyEnd: number;
  readonly blocks: ShellBlock[];
}

/**
 * Builds the runbook model from its text. Pure: the file name is only used for messages.
 * Never throws on any input; what is wrong is recorded in `problems`. `parsed` is the text's tree
 * when a caller already has it from `markdownParser` (the language server): not parsed twice.
 */
export function buildRunbook(file: string, input: string, parsed?: Root): Runbook {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const lines = new LineIndex(text);
  const problems: Problem[] = [];

  const refused = refusal(text, lines);
  if (refused) {
    problems.push(refused);
    return emptyRunbook(file, text, problems);
  }

  // Only for the very text given: a BOM taken off here is not taken off there.
  const root = parsed && text === input ? parsed : parseMarkdown(text);
  const yamlNode = root.children[0]?.type === "yaml" ? root.children[0] : undefined;
  const { frontmatter, meta, known } = readFrontmatter(yamlNode?.value, text, lines, problems);

  const headings: Heading[] = [];
  const blocks: CodeBlock[] = [];
  const shellBlocks: ShellBlock[] = [];
  const prerequisites: ShellBlock[] = [];
  const rollback: ShellBlock[] = [];
  const drafts: StepDraft[] = [];
  let section: BlockSection = "other";
  let hasStepsSection = false;
  let current: StepDraft | undefined;
  let title: string | undefined;

  const closeStep = (at: number): void => {
    if (current) current.bodyEnd = at;
    current = undefined;
  };

  for (const node of root.children) {
    if (node.type === "heading" && node.depth <= 3) {
      const heading = toHeading(node, lines);
      headings.push(heading);
      closeStep(offsetOf(node, "start"));
      if (node.depth === 1) {
        title ??= heading.text;
        section = "other";
      } else if (node.depth === 2) {
        section = sectionOf(heading.text);
        if (section === "steps") hasStepsSection = true;
      } else if (section === "steps") {
        current = startStep(node, heading, drafts.length, problems);
        drafts.push(current);
      }
      continue;
    }
    if (node.type === "heading") headings.push(toHeading(node, lines));
    for (const code of codeNodes(node)) {
      const block = toCodeBlock(code, text, lines, section, current?.id);
      blocks.push(block);
      if (!block.shell) continue;
      const shell = readBlockAttributes(block, text, lines, problems);
      shellBlocks.push(shell);
      if (current) current.blocks.push(shell);
      else if (section === "prerequisites" && shell.role === "command") prerequisites.push(shell);
      else if (section === "rollback" && shell.role !== "verify") rollback.push(shell);
    }
  }
  closeStep(text.length);

  const steps = drafts.map((d, index) => finishStep(d, index, text, problems));
  return {
    file,
    text,
    meta,
    known,
    frontmatter,
    title: meta?.title ?? known.title ?? title,
    headings,
    hasStepsSection,
    steps,
    prerequisites,
    rollback,
    blocks,
    shellBlocks,
    problems,
  };
}

/** What buildRunbook refuses to parse, and why: a binary, too large, slow or empty text. */
function refusal(text: string, lines: LineIndex): Problem | undefined {
  const start = lines.point(0);
  if (text.includes("\u0000")) return { ruleId: "file-content", message: "Binary file: expected Markdown text", place: start };
  if (text.length > MAX_RUNBOOK_CHARS) {
    const size = text.length >= 1024 * 1024 ? `${(text.length / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(text.length / 1024)} KiB`;
    return { ruleId: "file-content", message: `File is too large (${size}): runbooks over ${MAX_RUNBOOK_CHARS / 1024} KiB are not parsed; split it into several runbooks`, place: start };
  }
  // Shapes on which the Markdown parser is slower than linear are refused before it sees them.
  const breach = checkMarkdownLimits(text);
  if (breach) return { ruleId: "file-content", message: breach.message, place: lines.point(breach.offset) };
  if (text.trim() === "") return { ruleId: "file-content", message: "Empty file: expected YAML frontmatter and a `## Steps` section", place: start };
  return undefined;
}

/**
 * The frontmatter part of `buildRunbook` without parsing the Markdown (frontmatterOf finds it as
 * remark-frontmatter does): all `stale` needs of a runbook. Pure; equal to buildRunbook's parts.
 */
export function buildFrontmatter(file: string, input: string): Pick<Runbook, "file" | "text" | "frontmatter" | "meta" | "known"> {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const lines = new LineIndex(text);
  if (refusal(text, lines)) return { file, text, frontmatter: undefined, meta: undefined, known: {} };
  return { file, text, ...readFrontmatter(frontmatterOf(text).value, text, lines, [], readFlatFrontmatter) };
}

function emptyRunbook(file: string, text: string, problems: Problem[]): Runbook {
  return {
    file, text, meta: undefined, known: {}, frontmatter: undefined, title: undefined, headings: [], hasStepsSection: false,
    steps: [], prerequisites: [], rollback: [], blocks: [], shellBlocks: [], problems,
  };
}

/** The frontmatter from the `yaml` node's value (it always starts on line 1). */
function readFrontmatter(value: string | undefined, text: string, lines: LineIndex, problems: Problem[], flat?: typeof readFlatFrontmatter): { frontmatter: FrontmatterSource | undefined; meta: Frontmatter | undefined; known: KnownFrontmatter } {
  if (value === undefined) {
    const message = /^---[ \t]*\r?\n/.test(text)
      ? "Frontmatter opened on line 1 is never closed: expected a line with `---` after it"
      : "Missing frontmatter: expected a `---` block with at least `id` and `owner`";
    problems.push({ ruleId: "frontmatter-schema", message, place: lines.point(0) });
    return { frontmatter: undefined, meta: undefined, known: {} };
  }
  // The YAML text starts on the line after the opening `---`.
  const base = lines.lineStart(2);
  // `key: word` lines need no YAML parser (`stale` over a thousand runbooks): read alike, a tenth of the cost.
  const frontmatter: FrontmatterSource = flat?.(value, base, lines) ?? parseYaml(value, base, lines);
  problems.push(...frontmatter.problems);
  // Broken YAML is its own finding; what it still declares keeps every `$PARAM` from being reported too.
  const { meta, known } = frontmatter.problems.some((p) => p.ruleId === "yaml-syntax") ? { meta: undefined, known: recoverFrontmatter(frontmatter.recovered ?? frontmatter.data) } : validateFrontmatter(frontmatter, problems);
  return { frontmatter, meta, known };
}

const SECTIONS: Record<string, BlockSection> = { steps: "steps", prerequisites: "prerequisites", rollback: "rollback" };

export function sectionOf(text: string): BlockSection {
  return SECTIONS[text.trim().replace(/:$/, "").toLowerCase()] ?? "other";
}

function toHeading(node: MdHeading, lines: LineIndex): Heading {
  return { depth: node.depth, text: textOf(node).trim(), span: spanOf(node, lines) };
}

function startStep(node: MdHeading, heading: Heading, index: number, problems: Problem[]): StepDraft {
  const { text, id, attributes } = splitHeadingId(heading.text);
  let stepId = id ?? slugify(text);
  for (const a of attributes) {
    if (a === "drill_skip" || a === "drill_skip=true") continue;
    problems.push({ ruleId: "step-id", message: `Unknown heading attribute \`${a}\`${didYouMean(a, HEADING_ATTRIBUTES)}: after the id a heading takes only ${HEADING_ATTRIBUTES.map((h) => `\`${h}\``).join(", ")}`, place: heading.span });
  }
  if (id !== undefined && !STEP_ID_PATTERN.test(id)) {
    problems.push({ ruleId: "step-id", message: `Invalid step id \`{#${id}}\`: expected letters, digits, \`-\`, \`_\` or \`.\``, place: heading.span });
    stepId = slugify(id);
  }
  if (stepId === "") {
    problems.push({ ruleId: "step-id", message: "Step heading gives no id: add letters or digits, or an explicit `{#id}`", place: heading.span });
    stepId = `step-${index + 1}`;
  }
  return { heading: { ...heading, text }, id: stepId, explicitId: id !== undefined, drillSkip: attributes.some((a) => a.startsWith("drill_skip")), bodyStart: offsetOf(node, "end"), bodyEnd: offsetOf(node, "end"), blocks: [] };
}

function finishStep(d: StepDraft, index: number, text: string, problems: Problem[]): Step {
  const { command, extraCommands, rollback, extraRollbacks, verify, extraVerifies } = blocksByRole(d.blocks);
  const attrs = command?.attributes ?? {};
  if (attrs.irreversible !== undefined && rollback) {
    problems.push({
      ruleId: "fence-attributes",
      message: "Step is marked `irreversible` but has a rollback block: keep one of them",
      place: command?.attributeSpans.get("irreversible") ?? d.heading.span,
    });
  }
  return {
    id: d.id,
    explicitId: d.explicitId,
    drillSkip: d.drillSkip,
    title: d.heading.text,
    span: d.heading.span,
    index,
    instructions: instructionsOf(text, d),
    command,
    rollback,
    verify,
    extraCommands,
    extraRollbacks,
    extraVerifies,
    manual: command === undefined,
    needs: attrs.needs,
    confirm: attrs.confirm === true,
    irreversible: attrs.irreversible,
    capture: attrs.capture,
    on: attrs.on,
    // All hosts in one batch, none may fail, ten at once: what a loop of `ssh` would do, but stopping at a failure.
    fanout: { batch: attrs.batch ?? [{ percent: 100 }], maxFail: attrs.max_fail ?? { count: 0 }, parallel: attrs.parallel ?? 10 },
  };
}

/** The step's Markdown with its shell blocks cut out, so the prose reads on its own. */
function instructionsOf(text: string, d: StepDraft): string {
  let out = "";
  let at = d.bodyStart;
  for (const b of d.blocks) {
    out += text.slice(at, b.span.start.offset);
    at = b.span.end.offset;
  }
  out += text.slice(at, d.bodyEnd);
  return out.replace(/\r\n?/g, "\n").replace(/\n{3,}/g, "\n\n").trim();
}

/** Code nodes anywhere under a node, in document order (fences nest in lists and quotes). */
function codeNodes(node: RootContent): Code[] {
  const out: Code[] = [];
  // An explicit stack, not recursion: nesting thousands deep must not overflow the call stack.
  const stack: Nodes[] = [node];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.type === "code") out.push(n);
    else if ("children" in n) for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as Nodes);
  }
  return out;
}

/** The text of a node, as mdast-util-to-string gives it, without recursion. */
function textOf(node: Nodes): string {
  let out = "";
  const stack: Nodes[] = [node];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if ("value" in n && typeof n.value === "string") out += n.value;
    else if ("alt" in n && n.alt) out += n.alt;
    else if ("children" in n) for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as Nodes);
  }
  return out;
}

const FENCE = /^([ \t>]*)(`{3,}|~{3,})/;

function toCodeBlock(node: Code, text: string, lines: LineIndex, section: BlockSection, stepId: string | undefined): CodeBlock {
  const start = offsetOf(node, "start");
  const end = offsetOf(node, "end");
  const raw = text.slice(start, end);
  const firstLineEnd = raw.search(/\r?\n|\r/);
  const firstLine = firstLineEnd === -1 ? raw : raw.slice(0, firstLineEnd);
  const open = FENCE.exec(firstLine);
  const fence = open?.[2] ?? "";
  const info = open ? firstLine.slice((open[0] ?? "").length).trim() : "";
  const lang = (node.lang ?? "").toLowerCase();
  return {
    lang,
    info,
    // A CRLF file's blocks would run with a `\r` on every line (`touch made\r`, `fi\r`): blocks run with LF.
    source: node.value.replace(/\r\n?/g, "\n"),
    span: lines.span(start, end),
    shell: open !== null && SHELL_LANGS.has(lang),
    fenced: open !== null,
    unterminated: open !== null && !closesFence(raw, firstLineEnd, fence),
    section,
    stepId,
  };
}

/** True when the block's last line is a closing fence at least as long as the opener. */
function closesFence(raw: string, firstLineEnd: number, fence: string): boolean {
  if (firstLineEnd === -1) return false;
  const lastLine = raw.slice(Math.max(raw.lastIndexOf("\n"), raw.lastIndexOf("\r")) + 1).replace(/^[ \t>]*/, "").trimEnd();
  const ch = fence[0] ?? "`";
  return lastLine.length >= fence.length && [...lastLine].every((c) => c === ch);
}

function offsetOf(node: { position?: { start: { offset?: number | undefined }; end: { offset?: number | undefined } } | undefined }, which: "start" | "end"): number {
  return node.position?.[which].offset ?? 0;
}

function spanOf(node: Nodes, lines: LineIndex): Span {
  return lines.span(offsetOf(node, "start"), offsetOf(node, "end"));
}
