import type { Problem } from "./problem.js";
import type { FrontmatterSource } from "./frontmatter-yaml.js";
import type { Span } from "./positions.js";
import type { Attributes, HostShare } from "./schema/attributes.js";
import type { Frontmatter } from "./schema/frontmatter-schema.js";
import type { KnownFrontmatter } from "./schema/validate-frontmatter.js";

export type BlockRole = "command" | "rollback" | "verify";

/** Where a block sits in the runbook's structure, which decides what it does. */
export type BlockSection = "prerequisites" | "steps" | "rollback" | "other";

/** A fenced or indented code block. */
export interface CodeBlock {
  readonly lang: string;
  readonly info: string;
  readonly source: string;
  readonly span: Span;
  /** True for sh/bash/shell/zsh fences: those are run; everything else is only shown. */
  readonly shell: boolean;
  readonly fenced: boolean;
  /** A fence that never closed: it swallowed the rest of its container. */
  readonly unterminated: boolean;
  readonly section: BlockSection;
  /** The step the block sits in, if any. */
  readonly stepId: string | undefined;
}

/** A shell block with its attributes resolved. */
export interface ShellBlock extends CodeBlock {
  readonly role: BlockRole;
  readonly attributes: Attributes;
  /** Attributes as written (key → span), so rules can point at one. */
  readonly attributeSpans: ReadonlyMap<string, Span>;
}

export interface Step {
  readonly id: string;
  readonly explicitId: boolean;
  /** `{#id drill_skip}`: a drill (`runbook drill`) leaves this step out (docs/drills.md). */
  readonly drillSkip: boolean;
  readonly title: string;
  readonly span: Span;
  /** 0-based position among the steps, in document order. */
  readonly index: number;
  /** The operator's instructions: the step's Markdown without its shell blocks. */
  readonly instructions: string;
  readonly command: ShellBlock | undefined;
  readonly rollback: ShellBlock | undefined;
  readonly verify: ShellBlock | undefined;
  /** Extra command blocks beyond the first; always a lint error. */
  readonly extraCommands: readonly ShellBlock[];
  readonly extraRollbacks: readonly ShellBlock[];
  readonly extraVerifies: readonly ShellBlock[];
  readonly manual: boolean;
  /** Explicit `needs=`; undefined means "the previous step". */
  readonly needs: readonly string[] | undefined;
  readonly confirm: boolean;
  readonly irreversible: string | undefined;
  readonly capture: string | undefined;
  /** `on=`: the group of `targets:` (or `$PARAM`) whose hosts run the step over SSH; undefined runs it here. */
  readonly on: string | undefined;
  readonly fanout: Fanout;
}

/** How a step on a group goes through its hosts (`batch=`, `max_fail=`, `parallel=`). */
export interface Fanout {
  readonly batch: readonly HostShare[];
  readonly maxFail: HostShare;
  readonly parallel: number;
}

export interface Heading {
  readonly depth: number;
  readonly text: string;
  readonly span: Span;
}

/** A parsed runbook: what the file says, validated, with positions. Built by a pure function. */
export interface Runbook {
  readonly file: string;
  /** The source text, normalised (BOM removed). */
  readonly text: string;
  /** Validated frontmatter, or undefined when it is missing or invalid. */
  readonly meta: Frontmatter | undefined;
  /**
   * The frontmatter keys that are valid, even when others are not (`meta` when all are): what lint
   * rules read, so one mistake does not hide the params, the owner or the rest from every other rule.
   */
  readonly known: KnownFrontmatter;
  readonly frontmatter: FrontmatterSource | undefined;
  readonly title: string | undefined;
  readonly headings: readonly Heading[];
  readonly hasStepsSection: boolean;
  readonly steps: readonly Step[];
  readonly prerequisites: readonly ShellBlock[];
  /** The runbook-level `## Rollback` blocks, in order. */
  readonly rollback: readonly ShellBlock[];
  /** Every code block in document order. */
  readonly blocks: readonly CodeBlock[];
  readonly shellBlocks: readonly ShellBlock[];
  /** Problems found while building: YAML, schema, attributes, structure. */
  readonly problems: readonly Problem[];
}
