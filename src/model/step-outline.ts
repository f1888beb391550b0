import { readBlockAttributes } from "./block-attributes.js";
import { blocksByRole, fingerprintedBlocks } from "./step-blocks.js";
import { MAX_RUNBOOK_CHARS, sectionOf } from "./build-runbook.js";
import { frontmatterOf } from "./frontmatter-text.js";
import { checkMarkdownLimits } from "./markdown-limits.js";
import { LineIndex } from "./positions.js";
import { SHELL_LANGS } from "./schema/attributes.js";
import { slugify, splitHeadingId, STEP_ID_PATTERN } from "./slug.js";
import type { BlockRole, BlockSection, ShellBlock } from "./types.js";

/** What a runbook runs, as `stepsFingerprint` reads it: the shell blocks of its prerequisites, steps and rollback. */
export interface StepOutline {
  readonly prerequisites: readonly OutlineBlock[];
  readonly steps: ReadonlyArray<{ readonly id: string; readonly blocks: readonly OutlineBlock[] }>;
  readonly rollback: readonly OutlineBlock[];
}

/** A shell block as far as the outline needs it: its fence's info string, its text and its role. */
export type OutlineBlock = Pick<ShellBlock, "info" | "source" | "role">;

const ROLES = new Map<string, BlockRole>();

const EMPTY: StepOutline = { prerequisites: [], steps: [], rollback: [] };
/** Characters that could make a heading's text differ from what it reads as: inline markup, escapes, entities. */
const MARKUP = /[\\`*[\]<>&!~|]|[^\S \t]/;
const UNDERSCORE_NOT_INTRAWORD = /(^|[^\p{L}\p{N}])_|_($|[^\p{L}\p{N}])/u;

/**
 * The steps' outline of a runbook read line by line, without the Markdown parser: ATX headings and
 * fenced code blocks at the left margin, everything else prose. Undefined when the text has anything
 * that could make the parser see it otherwise (HTML blocks, fences or headings that are indented or
 * in containers, setext headings, markup in a heading, a lone CR): the caller then parses. For a
 * text it answers, the answer is what `buildRunbook` gives (a property test holds it to that over
 * the corpus and fuzzed texts). What `stale` needs of each old version, ten times faster.
 */
export function readStepOutline(input: string): StepOutline | undefined {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  // What buildRunbook refuses has no steps at all.
  if (text.includes("\u0000") || text.length > MAX_RUNBOOK_CHARS || text.trim() === "" || checkMarkdownLimits(text)) return EMPTY;
  if (/\r(?!\n)/.test(text)) return undefined;
  // A second BOM: the parser takes it off too (micromark does), and this reader does not: it asks the parser.
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  const fm = frontmatterOf(text);
  // A `---` that opens no frontmatter changes how the parser reads lists in the whole text.
  if (fm.value === undefined && text.startsWith("---")) return undefined;
  const lines = new LineIndex(text);
  const prerequisites: OutlineBlock[] = [];
  const rollback: OutlineBlock[] = [];
  const steps: Array<{ id: string; blocks: OutlineBlock[] }> = [];
  let section: BlockSection = "other";
  let current: { id: string; blocks: OutlineBlock[] } | undefined;
  let previous: "blank" | "prose" | "other" = "blank";
  let fence: { char: string; length: number; info: string; start: number; content: string[] } | undefined;

  const closeFence = (end: number): boolean => {
    const f = fence!;
    fence = undefined;
    if (/[\\&]|[^\S \t]/.test(f.info)) return false;
    const info = f.info.trim();
    const lang = (info.split(/[ \t]/)[0] ?? "").toLowerCase();
    if (!SHELL_LANGS.has(lang)) return true;
    const block = { lang, info, source: f.content.join("\n"), span: lines.span(f.start, end), shell: true, fenced: true, unterminated: false, section, stepId: current?.id };
    // A block's role is a function of its info string alone, and the same few recur in every version.
    let role = ROLES.get(info);
    if (role === undefined) {
      role = readBlockAttributes(block, text, lines, []).role;
      if (ROLES.size > 1000) ROLES.clear();
      ROLES.set(info, role);
    }
    const shell = { ...block, role };
    if (current) current.blocks.push(shell);
    else if (section === "prerequisites" && shell.role === "command") prerequisites.push(shell);
    else if (section === "rollback" && shell.role !== "verify") rollback.push(shell);
    return true;
  };

  const re = /\r?\n/g;
  for (let at = fm.bodyStart; at <= text.length; ) {
    re.lastIndex = at;
    const m = re.exec(text);
    const end = m ? m.index : text.length;
    const line = text.slice(at, end);
    const next = m ? m.index + m[0].length : text.length + 1;

    if (fence) {
      const close = new RegExp(`^ {0,3}${fence.char === "`" ? "`" : "~"}{${fence.length},}[ \\t]*$`);
      if (close.test(line)) {
        if (!closeFence(end)) return undefined;
        previous = "other";
      } else fence.content.push(line);
      at = next;
      continue;
    }
    if (/^[ \t]*$/.test(line)) previous = "blank";
    else if (/^ {0,3}</.test(line) || /^[ \t]+#{1,6}(?:[ \t]|$)/.test(line)) return undefined;
    else if (/^#{1,6}(?:[ \t]|$)/.test(line)) {
      const depth = /^#+/.exec(line)![0].length;
      const content = line.slice(depth).replace(/^[ \t]+|[ \t]+$/g, "").replace(/(?:^|[ \t]+)#+$/, "").replace(/^[ \t]+|[ \t]+$/g, "");
      if (MARKUP.test(content) || UNDERSCORE_NOT_INTRAWORD.test(content)) return undefined;
      if (depth <= 3) {
        current = undefined;
        if (depth === 1) section = "other";
        else if (depth === 2) section = sectionOf(content);
        else if (section === "steps") steps.push((current = { id: stepIdOf(content, steps.length), blocks: [] }));
      }
      previous = "other";
    } else if (/^(`{3,}|~{3,})/.test(line)) {
      const run = /^(`{3,}|~{3,})/.exec(line)![0];
      const info = line.slice(run.length);
      // Not a fence but inline code in a paragraph.
      if (run[0] === "`" && info.includes("`")) return undefined;
      fence = { char: run[0]!, length: run.length, info, start: at, content: [] };
    } else if (/`{3,}|~{3,}/.test(line)) return undefined;
    else if (/^ {0,3}(?:=+|-+)[ \t]*$/.test(line)) {
      // After prose, a setext heading's underline.
      if (previous === "prose") return undefined;
      previous = /=/.test(line) ? "prose" : "other";
    } else previous = "prose";
    at = next;
  }
  // A fence never closed runs to the end of the document.
  if (fence && !closeFence(text.length)) return undefined;
  return { prerequisites, steps: steps.map((s) => ({ id: s.id, blocks: fingerprintedBlocks(blocksByRole(s.blocks)) })), rollback };
}

/** As `buildRunbook` names a step from its heading. */
function stepIdOf(heading: string, index: number): string {
  const { text, id } = splitHeadingId(heading.trim());
  let stepId = id ?? slugify(text);
  if (id !== undefined && !STEP_ID_PATTERN.test(id)) stepId = slugify(id);
  return stepId === "" ? `step-${index + 1}` : stepId;
}
