import type { z } from "zod";
import { closest, listChoices, nearestOrChoices } from "../suggest.js";

/** A zod issue flattened to one message per offending path. */
export interface FlatIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  /** Point at the key (an unknown key) rather than the value. */
  readonly at: "key" | "value";
  /** For an unknown key: the known key it probably meant. */
  readonly suggestion?: string;
}

/**
 * Turns zod issues into messages a person can act on: "Unknown key `ownr` (did you mean `owner`?)"
 * rather than "Unrecognized key". `knownKeys` gives the valid keys at a path for suggestions.
 */
export function flattenIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  knownKeys: (path: readonly PropertyKey[]) => readonly string[],
  /** Where a path is, in words (` in param \`PORT\``), for messages about a key that is not at the top. */
  where: (path: readonly PropertyKey[]) => string = () => "",
): FlatIssue[] {
  const out: FlatIssue[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      const known = knownKeys(issue.path);
      for (const key of issue.keys) {
        const suggestion = closest(key, known);
        out.push({ path: [...issue.path, key], message: `Unknown key \`${key}\`${where(issue.path)}${nearestOrChoices(key, known)}`, at: "key", ...(suggestion === undefined ? {} : { suggestion }) });
      }
    } else if (issue.code === "invalid_type" && valueAt(input, issue.path) === undefined) {
      out.push({ path: issue.path, message: `Missing required key \`${String(issue.path.at(-1))}\``, at: "key" });
    } else if (issue.code === "invalid_type" && issue.expected === "boolean" && typeof valueAt(input, issue.path) === "string") {
      out.push({ path: issue.path, message: booleanWord(String(issue.path.at(-1)), valueAt(input, issue.path) as string), at: "value" });
    } else if (issue.code === "invalid_value" && issue.values.length > 0 && issue.values.every((v) => typeof v === "string")) {
      const found = valueAt(input, issue.path);
      const shown = typeof found === "string" || typeof found === "number" || typeof found === "boolean" ? `\`${String(found)}\`` : "this";
      out.push({ path: issue.path, message: `Expected one of ${listChoices(issue.values as string[])}, found ${shown}`, at: "value" });
    } else if (issue.code === "invalid_union") {
      // Report the branch that got furthest: the one whose first issue has the longest path.
      const best = [...issue.errors].sort((a, b) => (b[0]?.path.length ?? 0) - (a[0]?.path.length ?? 0))[0] ?? [];
      const nested = flattenIssues(best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })), input, knownKeys, where);
      out.push(...(nested.length ? nested : [{ path: issue.path, message: issue.message, at: "value" as const }]));
    } else {
      out.push({ path: issue.path, message: cleanMessage(issue.message), at: "value" });
    }
  }
  // "Unknown key `ownr` (did you mean `owner`?)" already says what "Missing required key `owner`" would.
  const suggested = new Set(out.filter((i) => i.suggestion !== undefined).map((i) => [...i.path.slice(0, -1), i.suggestion].join("\u0000")));
  // A union's branch and a check on the whole can say the same thing about the same value: once is enough.
  const seen = new Set<string>();
  return out.filter((i) => {
    const key = `${i.path.join("\u0000")}\u0001${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return !(i.message.startsWith("Missing required key") && suggested.has(i.path.join("\u0000")));
  });
}

const TRUE_WORDS = /^(y|yes|on|true)$/i;
const FALSE_WORDS = /^(n|no|off|false)$/i;

/**
 * `secret: yes` is the text "yes" in YAML 1.2 (which this tool reads), though YAML 1.1 and many
 * tools read it as true: say which word to write, rather than "expected boolean, received string".
 */
export function booleanWord(key: string, text: string): string {
  const word = TRUE_WORDS.test(text) ? "true" : FALSE_WORDS.test(text) ? "false" : undefined;
  if (word === undefined) return `\`${key}\` is \`true\` or \`false\`, found the text \`${text}\``;
  if (text.toLowerCase() === word) return `\`${key}: "${text}"\` is quoted text, not a boolean: write \`${key}: ${word}\` without quotes`;
  return `\`${key}: ${text}\` is text in YAML 1.2, not a boolean: write \`${key}: ${word}\``;
}

function cleanMessage(m: string): string {
  return m.replace(/^Invalid input: /, "").replace(/^expected/, "Expected");
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const seg of path) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, seg)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}
