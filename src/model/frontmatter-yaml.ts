import { isMap, isSeq, parseDocument, type Document, type Node as YamlNode } from "yaml";
import type { Problem } from "./problem.js";
import type { LineIndex, Point } from "./positions.js";

/** Real frontmatter is a few hundred bytes; a config a few lines. */
export const MAX_YAML_CHARS = 16 * 1024;

/** The frontmatter as YAML, with a way back from any path in it to a file position. */
export interface FrontmatterSource {
  readonly data: unknown;
  /** File offset of the first character of the YAML text (the line after `---`). */
  readonly base: number;
  readonly problems: readonly Problem[];
  /**
   * What the YAML parser recovered around its errors (`data` is undefined then): enough to know which
   * params a runbook with a stray tab declares, never enough to trust.
   */
  readonly recovered?: unknown;
  readonly locate: (path: readonly PropertyKey[], want?: "key" | "value") => Point;
}

/**
 * Parses YAML text that starts at file offset `base` (for frontmatter, the line after `---`),
 * so every problem and every node maps back to a file position.
 */
export function parseYaml(value: string, base: number, lines: LineIndex): FrontmatterSource {
  const problems: Problem[] = [];
  if (value.length > MAX_YAML_CHARS) {
    // The YAML parser checks duplicate keys pairwise: a huge mapping would take seconds.
    problems.push({ ruleId: "yaml-syntax", message: `YAML is too large (${Math.ceil(value.length / 1024)} KiB): frontmatter and the config are limited to ${MAX_YAML_CHARS / 1024} KiB`, place: lines.point(base) });
    return { data: undefined, base, problems, locate: () => lines.point(base) };
  }
  const doc = parseDocument(value, { prettyErrors: false, uniqueKeys: true, strict: true });
  for (const e of [...doc.errors, ...doc.warnings]) {
    const at = base + (e.pos[0] ?? 0);
    problems.push({ ruleId: "yaml-syntax", message: `Invalid YAML: ${firstLine(e.message)}`, place: lines.point(at) });
  }
  const data: unknown = doc.errors.length ? undefined : toData(doc, lines.point(base), problems);
  const recovered: unknown = doc.errors.length ? toData(doc, lines.point(base), []) : undefined;
  const fallback = lines.point(base);

  const locate = (path: readonly PropertyKey[], want: "key" | "value" = "value"): Point => {
    let node: unknown = doc.contents;
    let keyNode: YamlNode | undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(seg));
        if (!pair) break;
        keyNode = pair.key as YamlNode;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number") {
        keyNode = undefined;
        node = node.items[seg];
      } else break;
    }
    const target = want === "key" && keyNode ? keyNode : ((node as YamlNode | null | undefined) ?? keyNode);
    const range = target?.range;
    return range ? lines.point(base + range[0]) : fallback;
  };

  return { data, base, problems, locate, ...(recovered === undefined ? {} : { recovered }) };
}

/**
 * The document as plain data. Aliases that expand into a huge structure (a "billion laughs" alias
 * bomb) are refused by the yaml library; that refusal is a finding, not a crash.
 */
function toData(doc: Document.Parsed, at: Point, problems: Problem[]): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const why = error instanceof Error ? firstLine(error.message) : String(error);
    problems.push({ ruleId: "yaml-syntax", message: `Invalid YAML: ${why}; aliases (\`*name\`) may not expand into a structure this large`, place: at });
    return undefined;
  }
}

function keyText(key: unknown): string | undefined {
  if (key && typeof key === "object" && "value" in key) return String((key as { value: unknown }).value);
  return key === null || key === undefined ? undefined : String(key);
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}
