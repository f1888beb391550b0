import type { Code, Heading, List, ListItem, Nodes, Paragraph, Root, RootContent } from "mdast";
import { toString } from "mdast-util-to-string";
import { parse as parseYamlText, stringify as yamlText } from "yaml";
import { fencedCode, markFences, processor } from "../format-runbook.js";
import { lintRunbook } from "../../check/lint-runbook.js";
import { AMBIENT_VARIABLES } from "../../check/param-usage.js";
import { OWNER_PLACEHOLDER } from "../../check/rules/owner-placeholder.js";
import { IRREVERSIBLE_PLACEHOLDER } from "../../check/rules/rollback-or-irreversible.js";
import { buildRunbook } from "../../model/build-runbook.js";
import { slugify } from "../../model/slug.js";
import { ENV_NAME_PATTERN, frontmatterSchema, RESERVED_ENV_NAMES } from "../../model/schema/frontmatter-schema.js";
import { assignedVariables, freeVariables, isCommandBlock, looksLikeCommand, splitCommand } from "./commands.js";
import { procedureRoles, type Section } from "./procedure.js";
import { readOnlyVerdict } from "./read-only.js";
import { isSecretName } from "./secret-names.js";

export interface ImportInput {
  /** Path of the original, repository-relative: the id comes from its name. */
  readonly file: string;
  readonly text: string;
  /** The owner CODEOWNERS gives the file, if any. */
  readonly owner?: string | undefined;
  /** The id to give it (default: from the file name; see importId). */
  readonly id?: string | undefined;
}

export interface ImportReport {
  readonly steps: number;
  /** Command steps written with `confirm` (and the irreversible placeholder): not on the read-only list. */
  readonly confirm: number;
  /** Command steps written without `confirm`: every command in them is on the read-only list. */
  readonly readOnly: number;
  /** Steps without a command: the operator does what the prose says. */
  readonly manual: number;
  readonly params: readonly string[];
  /** Params declared `secret: true` from their names (see secret-names.ts). */
  readonly secrets: readonly string[];
  readonly env: readonly string[];
  /** What a person should look at before this runbook is used. */
  readonly needsHuman: readonly string[];
  /** Lint errors left in the result, other than the placeholders import writes (owner, irreversible): `rule line:column`. */
  readonly errors: readonly string[];
}

export interface ImportResult {
  readonly text: string;
  readonly report: ImportReport;
}

/** Variables an operator's environment provides: declared under `env:`, not asked for as params. */
const OPERATOR_ENV = new Set(["KUBECONFIG", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "VAULT_ADDR", "VAULT_NAMESPACE", "GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_CORE_PROJECT", "DOCKER_HOST", "AZURE_SUBSCRIPTION_ID"]);
const KEPT_KEYS = ["title", "description", "tags", "review_every", "review_in", "last_verified", "last_reviewed_on", "verified_by", "requires", "shell", "timeout"];

interface StepDraft {
  title: string;
  readonly before: RootContent[];
  command?: Code;
  /** Written with `confirm`: not every command in it is on the read-only list. */
  changes?: boolean;
  output?: Code;
  readonly after: RootContent[];
}

/**
 * Converts a Markdown runbook written for people into this format. Pure. Steps come from the
 * sections that hold commands (one step per command) and from list items that hold one; sections
 * between them become manual steps; everything else stays as documentation before or after the
 * steps. Nothing is dropped: frontmatter keys this format does not know are kept in a section.
 */
export function importRunbook(input: ImportInput): ImportResult {
  const text = input.text.replace(/^\uFEFF/, "");
  const tree = processor.parse(text);
  markFences(tree, text);
  const needsHuman: string[] = [];

  let original: Record<string, unknown> = {};
  let unreadableYaml: string | undefined;
  if (tree.children[0]?.type === "yaml") {
    const yamlNode = tree.children.shift() as { value: string };
    try {
      const data: unknown = parseYamlText(yamlNode.value, { maxAliasCount: 100 });
      if (data && typeof data === "object" && !Array.isArray(data)) original = data as Record<string, unknown>;
      else if (data !== null && data !== undefined) unreadableYaml = yamlNode.value;
    } catch {
      unreadableYaml = yamlNode.value;
    }
  }
  if (unreadableYaml !== undefined) needsHuman.push("the original frontmatter is not a YAML mapping: it is kept under `## Imported metadata`");

  // The first H1 is the title; what precedes the first other heading is the introduction.
  const sections: Section[] = [{ heading: undefined, nodes: [] }];
  let title = typeof original.title === "string" ? original.title : undefined;
  let titleHeading: Heading | undefined;
  for (const node of tree.children) {
    if (node.type === "heading") {
      if (node.depth === 1 && title === undefined) {
        title = toString(node).trim();
        // Kept as written, links and all, as the page's heading.
        titleHeading = node;
        continue;
      }
      if (node.depth === 1 && sections.length === 1 && toString(node).trim() === title) continue;
      sections.push({ heading: node, nodes: [] });
    } else sections.at(-1)?.nodes.push(node);
  }
  const base = baseName(input.file);
  title ??= base.replace(/[-_]+/g, " ").replace(/^./, (c) => c.toUpperCase());

  const roles = procedureRoles(sections, (s) => s.nodes.some(holdsCommand));
  const first = roles.findIndex((r) => r !== "doc");
  const last = roles.findLastIndex((r) => r !== "doc");
  const pre = first === -1 ? sections : sections.slice(0, first);
  const region = first === -1 ? [] : sections.slice(first, last + 1);
  const post = first === -1 ? [] : sections.slice(last + 1);

  const steps: StepDraft[] = [];
  // A heading with nothing under it but deeper headings (`## Diagnosis`, then `### 1. …`), or the one
  // the procedure sits under, has no step of its own: it leads the next step's prose.
  let carried: RootContent[] = [];
  region.forEach((section, k) => {
    const role = roles[first + k];
    if (role === "aside") {
      // An example or a note: kept where it is, as prose; its commands are shown, never run.
      const prose = [...(section.heading ? [strongHeading(section.heading)] : []), ...section.nodes];
      const previous = steps.at(-1);
      if (previous) previous.after.push(...prose);
      else carried.push(...prose);
      return;
    }
    if (role === "lead") {
      if (section.heading) carried.push(strongHeading(section.heading));
      carried.push(...section.nodes);
      return;
    }
    const own = stepsOf(section, title);
    const firstOwn = own[0];
    if (!firstOwn) {
      if (section.heading) carried.push(strongHeading(section.heading));
      return;
    }
    firstOwn.before.unshift(...carried);
    carried = [];
    steps.push(...own);
  });
  steps.at(-1)?.after.push(...carried);

  // Variables: what the commands use, where they set them, and what they are.
  const used: string[] = [];
  const placeholders = new Map<string, string>();
  const setEarlier = new Set<string>();
  const crossStep = new Set<string>();
  for (const step of steps) {
    if (!step.command) continue;
    const split = splitCommand(step.command.lang, step.command.value);
    for (const [k, v] of split.placeholders) placeholders.set(k, v);
    if (!split.command.trim()) {
      // Only output: nothing to run, so it is shown as it was and the step is manual.
      step.before.push(fencedCode(step.command.value, step.command.lang ?? ""));
      delete step.command;
      continue;
    }
    // Attributes of another tool (Runme's `{"id":…}`, `title=…`) mean nothing here but are kept in the prose.
    const info = step.command.data?.runbookFence?.info ?? [step.command.lang, step.command.meta].filter(Boolean).join(" ");
    const extra = info.replace(/^\S*\s*/, "");
    if (extra) step.after.unshift({ type: "paragraph", children: [{ type: "text", value: "Fence attributes in the original: " }, { type: "inlineCode", value: info }] });
    // A shell language stays as written; a session (`console`) or a mislabelled block becomes `sh`.
    const lang = ["sh", "bash", "shell", "zsh"].includes((step.command.lang ?? "").toLowerCase()) ? (step.command.lang ?? "sh") : "sh";
    // Only a block whose every command is on the read-only list runs without asking; any other
    // changes state until a person says otherwise, and needs a rollback or a reason it has none.
    const verdict = readOnlyVerdict(split.command);
    step.changes = !verdict.readOnly;
    step.command = fencedCode(split.command, verdict.readOnly ? lang : `${lang} confirm irreversible="${IRREVERSIBLE_PLACEHOLDER}"`);
    if (split.output.trim()) step.output = fencedCode(split.output, "text");
    for (const name of freeVariables(split.command)) {
      if (setEarlier.has(name)) crossStep.add(name);
      if (!used.includes(name)) used.push(name);
    }
    for (const name of assignedVariables(split.command)) setEarlier.add(name);
  }
  const reserved = (n: string) => RESERVED_ENV_NAMES.includes(n) || n.startsWith("RUNBOOK_") || n.startsWith("BASH_");
  const wanted = used.filter((n) => !AMBIENT_VARIABLES.has(n) && ENV_NAME_PATTERN.test(n));
  const env = wanted.filter((n) => OPERATOR_ENV.has(n));
  const params = wanted.filter((n) => !OPERATOR_ENV.has(n) && !reserved(n));
  for (const n of wanted.filter((x) => reserved(x) && !OPERATOR_ENV.has(x))) needsHuman.push(`\`$${n}\` is a reserved name and cannot be a param: rewrite the command`);
  if (placeholders.size) needsHuman.push(`placeholders turned into params: ${[...placeholders].map(([k, v]) => `${k} → $${v}`).join(", ")}`);
  if (crossStep.size) needsHuman.push(`set in one step and used in a later one (each block runs in its own shell; pass them with \`capture=\`): ${[...crossStep].map((n) => `$${n}`).join(", ")}`);
  if (params.length) needsHuman.push(`describe the params: ${params.join(", ")}`);
  const secrets = params.filter(isSecretName);
  if (secrets.length) needsHuman.push(`secret params (masked, asked for without echo, at least 8 characters), by their names: ${secrets.join(", ")}; take \`secret: true\` off any that is not a secret`);
  if (steps.length === 0) needsHuman.push("no commands found: the page is kept as documentation; write its steps under `## Steps`");
  const manual = steps.filter((s) => !s.command).length;
  if (manual) needsHuman.push(`${manual} manual ${manual === 1 ? "step" : "steps"} (headings of the procedure without a command): check they are steps`);

  // Frontmatter: id from the file name, owner from the page, CODEOWNERS or a placeholder.
  const owner = nonEmpty(original.owner) ?? nonEmpty(original.owner_slack) ?? input.owner;
  if (!owner) needsHuman.push("no owner: the page names none and no CODEOWNERS entry covers it; replace the placeholder");
  const meta: Record<string, unknown> = { id: input.id ?? importId(input.file), title, owner: owner ?? OWNER_PLACEHOLDER };
  const leftovers: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(original)) {
    if (KEPT_KEYS.includes(k) && k !== "title") meta[k] = v;
    else if (k !== "title" && !(k === "owner" && v === owner)) leftovers[k] = v;
  }
  // A kept key whose value this format rejects moves to the leftovers rather than failing lint.
  const check = frontmatterSchema.safeParse(meta);
  if (!check.success) {
    for (const issue of check.error.issues) {
      const key = String(issue.path[0] ?? "");
      if (KEPT_KEYS.includes(key) && key in meta) {
        leftovers[key] = meta[key];
        delete meta[key];
      }
    }
  }
  if (env.length) meta.env = env;
  if (params.length) meta.params = Object.fromEntries(params.map((p) => [p, isSecretName(p) ? { secret: true } : null]));

  const out: RootContent[] = [titleHeading ?? { type: "heading", depth: 1, children: [{ type: "text", value: title }] }];
  for (const s of pre) out.push(...documentation(s));
  out.push({ type: "heading", depth: 2, children: [{ type: "text", value: "Steps" }] });
  const ids = new Set<string>();
  const changing: string[] = [];
  steps.forEach((s, i) => {
    let id = slugify(s.title) || `step-${i + 1}`;
    for (let n = 2; ids.has(id); n++) id = `${slugify(s.title) || "step"}-${n}`;
    ids.add(id);
    if (s.changes) changing.push(id);
    out.push({ type: "heading", depth: 3, children: [{ type: "text", value: `${s.title} {#${id}}` }] }, ...shownOnly(s.before));
    if (s.command) out.push(s.command);
    if (s.output) out.push(s.output);
    out.push(...shownOnly(s.after));
  });
  if (changing.length) {
    needsHuman.push(`${changing.length} ${changing.length === 1 ? "step changes" : "steps change"} state, so ${changing.length === 1 ? "it asks" : "they ask"} first (\`confirm\`): ${changing.join(", ")}; for each, write a \`rollback\` block or replace \`irreversible="TODO…"\` with why it cannot be undone`);
  }
  const postNodes = post.flatMap(documentation);
  if (postNodes[0]?.type === "heading" && postNodes[0].depth > 2) out.push({ type: "heading", depth: 2, children: [{ type: "text", value: "Notes" }] });
  out.push(...postNodes);
  if (Object.keys(leftovers).length || unreadableYaml !== undefined) {
    out.push(
      { type: "heading", depth: 2, children: [{ type: "text", value: "Imported metadata" }] },
      { type: "paragraph", children: [{ type: "text", value: "Frontmatter of the original page that this format has no key for." }] },
      fencedCode((unreadableYaml ?? yamlText(leftovers)).replace(/\n$/, ""), "yaml"),
    );
  }

  const body = processor.stringify({ type: "root", children: out } as Root);
  // Written by fmt's own writer with every id explicit, so `runbook fmt` leaves it as it is.
  const result = `---\n${yamlText(meta, { lineWidth: 0 })}---\n\n${body}`;
  const runbook = buildRunbook(input.file, result);
  // Import writes `confirm` only with the irreversible placeholder, so every rollback-or-irreversible
  // finding here is a placeholder, as every owner-placeholder one is: left for a person on purpose.
  const errors = lintRunbook(runbook, { commandExists: () => true })
    .filter((d) => d.severity === "error" && d.ruleId !== "owner-placeholder" && d.ruleId !== "rollback-or-irreversible")
    .map((d) => `${d.ruleId} ${d.line}:${d.column}`);
  const commandSteps = runbook.steps.filter((st) => st.command).length;
  const confirm = runbook.steps.filter((st) => st.command && st.confirm).length;
  return {
    text: result,
    report: { steps: runbook.steps.length, confirm, readOnly: commandSteps - confirm, manual: runbook.steps.length - commandSteps, params, secrets, env, needsHuman, errors },
  };
}

/**
 * The id an imported file gets: its name in kebab case. `taken` holds ids already given in the same
 * import, so that two README.md in different folders get `team-a-readme` and `team-b-readme`.
 */
export function importId(file: string, taken: ReadonlySet<string> = new Set()): string {
  const own = slugify(baseName(file)) || "imported-runbook";
  if (!taken.has(own)) return own;
  const parts = file.split(/[\\/]/);
  const folder = slugify((parts.at(-2) ?? "").replace(/([a-z0-9])([A-Z])/g, "$1-$2"));
  let id = folder ? `${folder}-${own}` : own;
  for (let n = 2; taken.has(id); n++) id = `${folder ? `${folder}-` : ""}${own}-${n}`;
  return id;
}

function baseName(file: string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  // KubePodCrashLooping → Kube-Pod-Crash-Looping, so the id reads kube-pod-crash-looping.
  return name.replace(/(\.html)?\.md(\.erb)?$/i, "").replace(/\.markdown$/i, "").replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2");
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

function isCommandCode(node: RootContent): node is Code {
  return node.type === "code" && isCommandBlock(node.lang, node.value);
}

function holdsCommand(node: RootContent): boolean {
  if (isCommandCode(node)) return true;
  return node.type === "list" && node.children.some(itemHoldsCommand);
}

/** A list item with a command: a command block, a nested list with one, or an inline command. */
function itemHoldsCommand(item: ListItem): boolean {
  return item.children.some((c) => holdsCommand(c as RootContent)) || inlineCommandOf(item) !== undefined;
}

function inlineCommandOf(item: ListItem): Code | undefined {
  const first = item.children.find((c): c is Paragraph => c.type === "paragraph");
  const inline = first?.children.find((c) => c.type === "inlineCode" && looksLikeCommand(c.value));
  return inline?.type === "inlineCode" ? { type: "code", lang: "sh", meta: null, value: inline.value.replace(/^\s*\$ /, "") } : undefined;
}

interface Collecting {
  readonly steps: StepDraft[];
  /** Prose waiting for the next command: it becomes that step's instructions. */
  pending: RootContent[];
}

/**
 * Walks a section's nodes (or a list item's children) in order: each command block, and each list
 * item holding commands (however deep the lists nest), is a step; everything else is prose for the
 * next step. A list item's text stays as that step's prose.
 */
function collect(nodes: readonly RootContent[], ctx: Collecting): void {
  for (const node of nodes) {
    if (isCommandCode(node)) {
      ctx.steps.push({ title: "", before: ctx.pending, command: node, after: [] });
      ctx.pending = [];
    } else if (node.type === "list" && holdsCommand(node)) {
      const kept: ListItem[] = [];
      const flush = () => {
        if (kept.length) ctx.pending.push({ ...node, children: kept.splice(0) } as List);
      };
      node.children.forEach((item) => {
        if (!itemHoldsCommand(item)) return void kept.push(item);
        flush();
        const children = item.children as RootContent[];
        if (children.some(holdsCommand)) return collect(children, ctx);
        ctx.steps.push({ title: "", before: [...ctx.pending, ...children], command: inlineCommandOf(item)!, after: [] });
        ctx.pending = [];
      });
      flush();
    } else ctx.pending.push(node);
  }
}

/**
 * The steps of a section in the procedure: one per command, each titled by the section's heading
 * (numbered when there are several), never by the sentence before the command; a section without a
 * command is one manual step, its prose the instructions.
 */
function stepsOf(section: Section, fallback: string): StepDraft[] {
  const heading = section.heading ? toString(section.heading).trim() : fallback;
  const ctx: Collecting = { steps: [], pending: [] };
  collect(section.nodes, ctx);
  const { steps } = ctx;
  if (ctx.pending.length) {
    const lastStep = steps.at(-1);
    if (lastStep) lastStep.after.push(...ctx.pending);
    else if (section.heading) steps.push({ title: heading, before: ctx.pending, after: [] });
  }
  steps.forEach((st, i) => (st.title = steps.length > 1 ? `${heading} (${i + 1})` : heading));
  // A title is plain text: a heading with a link or an image keeps them in the first step's prose.
  if (section.heading && hasMoreThanText(section.heading)) steps[0]?.before.unshift(strongHeading(section.heading));
  return steps;
}

function hasMoreThanText(node: Nodes): boolean {
  if (["link", "linkReference", "image", "imageReference", "html", "footnoteReference"].includes(node.type)) return true;
  return "children" in node && node.children.some((c) => hasMoreThanText(c as Nodes));
}

function strongHeading(heading: Heading): Paragraph {
  return { type: "paragraph", children: [{ type: "strong", children: heading.children }] };
}

const RUNNABLE = new Set(["sh", "bash", "shell", "zsh"]);

/**
 * Prose of a step with its shell fences made `text`: a step runs one block, its command, so a
 * fence shown beside it (an example, an empty block) must not read as a second command.
 */
function shownOnly(nodes: readonly RootContent[]): RootContent[] {
  const fix = (node: RootContent): RootContent => {
    if (node.type === "code") return RUNNABLE.has((node.lang ?? "").toLowerCase()) ? fencedCode(node.value, "text") : node;
    if ("children" in node && node.type !== "heading" && node.type !== "paragraph" && node.type !== "table") {
      return { ...node, children: (node.children as RootContent[]).map(fix) } as RootContent;
    }
    return node;
  };
  return nodes.map(fix);
}

const MEANINGFUL = /^(steps|prerequisites|rollback):?$/i;

/** A documentation section: its heading at `##` or deeper, so it never starts a step or a section with a meaning. */
function documentation(section: Section): RootContent[] {
  if (!section.heading) return section.nodes;
  const text = toString(section.heading).trim();
  const heading: Heading = { ...section.heading, depth: Math.max(2, section.heading.depth) as Heading["depth"] };
  if (MEANINGFUL.test(text)) heading.children = [{ type: "text", value: `${text.replace(/:$/, "")} (notes)` }];
  return [heading, ...section.nodes];
}
