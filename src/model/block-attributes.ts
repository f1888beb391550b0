import type { Problem } from "./problem.js";
import { parseInfoString } from "./info-string.js";
import type { LineIndex, Span } from "./positions.js";
import { ATTRIBUTE_FORMS, ATTRIBUTE_KEYS, attributesSchema, FLAG_ATTRIBUTES, IRREVERSIBLE_NEEDS_REASON, STEP_ONLY_ATTRIBUTES, type Attributes } from "./schema/attributes.js";
import { flattenIssues } from "./schema/zod-issues.js";
import type { BlockRole, CodeBlock, ShellBlock } from "./types.js";

/** Reads a shell fence's attributes, placing every problem on the attribute it is about. */
export function readBlockAttributes(block: CodeBlock, text: string, lines: LineIndex, problems: Problem[]): ShellBlock {
  const lineEnd = text.slice(block.span.start.offset, block.span.end.offset).search(/\r?\n|\r/);
  const firstLine = text.slice(block.span.start.offset, lineEnd === -1 ? block.span.end.offset : block.span.start.offset + lineEnd);
  const infoAt = block.span.start.offset + firstLine.indexOf(block.info);
  const parsed = parseInfoString(block.info);
  const spans = new Map<string, Span>();
  const keySpans = new Map<string, Span>();
  // Attribute names are user keys: no prototype, so `constructor=x` is an unknown attribute, not Object.
  const input: Record<string, string | true> = Object.create(null) as Record<string, string | true>;
  const tokenSpan = (offset: number, length: number) => lines.span(infoAt + offset, infoAt + offset + length);

  if (parsed.unclosedQuoteAt !== undefined) {
    problems.push({ ruleId: "fence-attributes", message: "Unclosed quote in the fence's attributes", place: tokenSpan(parsed.unclosedQuoteAt, 1) });
  }
  for (const t of parsed.tokens) {
    const span = tokenSpan(t.offset, t.key.length + (t.value === undefined ? 0 : t.value.length + 1));
    if (spans.has(t.key)) {
      problems.push({ ruleId: "fence-attributes", message: `Duplicate attribute \`${t.key}\``, place: span });
      continue;
    }
    spans.set(t.key, span);
    keySpans.set(t.key, tokenSpan(t.offset, t.key.length));
    input[t.key] = t.value ?? true;
  }

  let attributes: Attributes = {};
  const result = attributesSchema.safeParse(input);
  if (result.success) attributes = result.data;
  else {
    for (const issue of flattenIssues(result.error.issues, input, () => ATTRIBUTE_KEYS)) {
      const key = String(issue.path[0] ?? "");
      const message = key.startsWith("{") ? `Unknown attribute \`${key.slice(0, 20)}…\`: JSON attributes are not part of this format; write \`key=value\`` : issue.message.replace(/^Unknown key/, "Unknown attribute");
      const form = issue.at === "value" ? formMessage(key, input[key]) : undefined;
      const text = form ?? (issue.path.length && !key.startsWith("{") && issue.at === "value" ? `\`${key}\`: ${message}` : message);
      // A misspelt key points at the key alone, so an editor's quick fix can swap in the suggestion.
      const fix = issue.suggestion === undefined ? undefined : keySpans.get(key);
      problems.push(fix ? { ruleId: "fence-attributes", message: text, place: fix, expected: [issue.suggestion ?? ""] } : { ruleId: "fence-attributes", message: text, place: spans.get(key) ?? block.span });
    }
    // Keep the attributes that were valid, so one typo does not hide the rest of the block's meaning.
    const partial: Record<string, unknown> = {};
    const shape = attributesSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }>;
    for (const [k, v] of Object.entries(input)) {
      const one = Object.hasOwn(shape, k) ? shape[k]?.safeParse(v) : undefined;
      if (one?.success) partial[k] = one.data;
    }
    attributes = partial as Attributes;
  }

  let role: BlockRole = "command";
  if (attributes.rollback && attributes.verify) {
    problems.push({ ruleId: "fence-attributes", message: "A block is either `rollback` or `verify`, not both", place: spans.get("verify") ?? block.span });
  }
  if (attributes.rollback) role = "rollback";
  else if (attributes.verify) role = "verify";
  if (role !== "command") {
    for (const k of STEP_ONLY_ATTRIBUTES) {
      const span = spans.get(k);
      if (span && k in attributes) problems.push({ ruleId: "fence-attributes", message: `\`${k}\` belongs on the step's command block, not on its ${role} block`, place: span });
    }
  }
  return { ...block, role, attributes, attributeSpans: spans };
}

/**
 * The message for an attribute written in the wrong form, which says how to write it: a flag given a
 * value (`confirm=yes`), an attribute that takes a value written alone (`irreversible`, `timeout`).
 */
function formMessage(key: string, value: string | true | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (key === "irreversible" && (value === true || value.trim() === "")) return IRREVERSIBLE_NEEDS_REASON;
  if (FLAG_ATTRIBUTES.includes(key) && value !== true) {
    return /^(n|no|off|false|0)$/i.test(value) ? `\`${key}=${value}\` does not turn it off: a flag takes no value; leave \`${key}\` out` : `\`${key}\` is a flag and takes no value: write \`${key}\` alone`;
  }
  const form = Object.hasOwn(ATTRIBUTE_FORMS, key) ? ATTRIBUTE_FORMS[key] : undefined;
  if (value === true && form !== undefined) return `\`${key}\` needs a value: write \`${form}\``;
  return undefined;
}
