import type { z } from "zod";
import { closest } from "./suggest.js";

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
): FlatIssue[] {
  const out: FlatIssue[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      const known = knownKeys(issue.path);
      for (const key of issue.keys) {
        const suggestion = closest(key, known);
        const hint = suggestion === undefined ? "" : ` (did you mean \`${suggestion}\`?)`;
        out.push({ path: [...issue.path, key], message: `Unknown key \`${key}\`${hint}`, at: "key", ...(suggestion === undefined ? {} : { suggestion }) });
      }
    } else if (issue.code === "invalid_type" && valueAt(input, issue.path) === undefined) {
      out.push({ path: issue.path, message: `Missing required key \`${String(issue.path.at(-1))}\``, at: "key" });
    } else if (issue.code === "invalid_union") {
      // Report the branch that got furthest: the one whose first issue has the longest path.
      const best = [...issue.errors].sort((a, b) => (b[0]?.path.length ?? 0) - (a[0]?.path.length ?? 0))[0] ?? [];
      const nested = flattenIssues(best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })), input, knownKeys);
      out.push(...(nested.length ? nested : [{ path: issue.path, message: issue.message, at: "value" as const }]));
    } else {
      out.push({ path: issue.path, message: cleanMessage(issue.message), at: "value" });
    }
  }
  // "Unknown key `ownr` (did you mean `owner`?)" already says what "Missing required key `owner`" would.
  const suggested = new Set(out.filter((i) => i.suggestion !== undefined).map((i) => [...i.path.slice(0, -1), i.suggestion].join("\u0000")));
  return out.filter((i) => !(i.message.startsWith("Missing required key") && suggested.has(i.path.join("\u0000"))));
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
