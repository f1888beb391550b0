import type { FrontmatterSource } from "./frontmatter-yaml.js";
import type { LineIndex, Point } from "./positions.js";

/** A key the YAML parser reads as a plain string (not `true`, `null`, a number, or `__proto__`). */
const KEY = /^([A-Za-z_][A-Za-z0-9_-]*):(?: +|$)/;
/** A plain scalar of words: no indicator, quote, `: `, ` #`, tab or trailing space that YAML reads otherwise. */
const WORDS = /^[A-Za-z0-9_][\w.@/+=~^$(),;-]*(?: +[\w.@/+=~^$(),;-]+)*$/;
/** What YAML's core schema reads as null, a boolean or a number rather than a string. */
const NOT_A_STRING = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const SPECIAL_KEYS = new Set(["__proto__", "constructor", "prototype", "true", "false", "null", "True", "False", "Null", "TRUE", "FALSE", "NULL"]);

/**
 * Frontmatter that is only `key: words` lines (and blank or comment lines), read without the YAML
 * parser: the data, and where each key and value is, as `parseYaml` gives them. Undefined for
 * anything else (quotes, lists, nested maps, numbers, booleans, comments after a value, tabs, empty
 * values, a repeated key): the caller then parses. What `stale` reads of a thousand runbooks' YAML,
 * a tenth of the cost; a property test holds it to `parseYaml` over the corpus and fuzzed texts.
 */
export function readFlatFrontmatter(value: string, base: number, lines: LineIndex): FrontmatterSource | undefined {
  if (value.includes("\t") || /\r(?!\n)/.test(value)) return undefined;
  const data: Record<string, string> = {};
  const at = new Map<string, { key: number; value: number }>();
  let first: number | undefined;
  for (let offset = 0; offset <= value.length; ) {
    const nl = value.indexOf("\n", offset);
    const end = nl === -1 ? value.length : nl;
    const line = value.slice(offset, value[end - 1] === "\r" ? end - 1 : end);
    if (line !== "" && !line.startsWith("#")) {
      const m = KEY.exec(line);
      if (!m || SPECIAL_KEYS.has(m[1]!)) return undefined;
      const key = m[1]!;
      const word = line.slice(m[0].length);
      if (!WORDS.test(word) || NOT_A_STRING.test(word) || key in data) return undefined;
      data[key] = word;
      at.set(key, { key: base + offset, value: base + offset + m[0].length });
      first ??= base + offset;
    }
    if (nl === -1) break;
    offset = nl + 1;
  }
  if (first === undefined) return undefined;
  const start = first;
  const locate = (path: readonly PropertyKey[], want: "key" | "value" = "value"): Point => {
    const found = path.length ? at.get(String(path[0])) : undefined;
    // As the parser's node ranges: a path that is not there stops at the mapping, which starts at its first key.
    if (!found) return lines.point(start);
    return lines.point(want === "key" ? found.key : found.value);
  };
  return { data, base, problems: [], locate };
}
