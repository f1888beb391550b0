import { isMap, isSeq, parseDocument, type Document, type Node as YamlNode } from "yaml";
import type { Problem } from "../diagnostics/diagnostic.js";
import type { LineIndex, Point } from "./positions.js";

/** The frontmatter as YAML, with a way back from any path in it to a file position. */
export interface FrontmatterSource {
  readonly data: unknown;
  readonly doc: Document.Parsed;
  /** File offset of the first character of the YAML text (the line after `---`). */
  readonly base: number;
  readonly problems: readonly Problem[];
  readonly locate: (path: readonly PropertyKey[], want?: "key" | "value") => Point;
}

/**
 * Parses YAML text that starts at file offset `base` (for frontmatter, the line after `---`),
 * so every problem and every node maps back to a file position.
 */
export function parseYaml(value: string, base: number, lines: LineIndex): FrontmatterSource {
  const doc = parseDocument(value, { prettyErrors: false, uniqueKeys: true, strict: true });
  const problems: Problem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const at = base + (e.pos[0] ?? 0);
    problems.push({ ruleId: "yaml-syntax", message: `Invalid YAML: ${firstLine(e.message)}`, place: lines.point(at) });
  }
  const data: unknown = doc.errors.length ? undefined : doc.toJS({ maxAliasCount: 100 });
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

  return { data, doc, base, problems, locate };
}

function keyText(key: unknown): string | undefined {
  if (key && typeof key === "object" && "value" in key) return String((key as { value: unknown }).value);
  return key === null || key === undefined ? undefined : String(key);
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}
