import { scanShellVariables } from "../model/shell-vars.js";
import { MASKED } from "../core/masked.js";

/**
 * Values of params and captured variables, put in the text a person reads: the instructions and the
 * command as displayed. Never in what runs: blocks get their values from the environment only.
 */
export interface DisplayValue {
  /** Undefined while unset (a capture whose step has not run yet). */
  readonly value: string | undefined;
  readonly secret: boolean;
}

export type DisplayValues = ReadonlyMap<string, DisplayValue>;

export interface Piece {
  readonly text: string;
  /** `value`: a substituted value; `secret`: shown as ***; `unset`: a known name with no value yet. */
  readonly kind: "text" | "value" | "secret" | "unset";
}

export const UNSET = "(unset)";

/** `$NAME=value` of a captured value, a secret one as ***. */
export const captureText = (c: { readonly name: string; readonly value: string | null; readonly secret: boolean }): string => `$${c.name}=${c.secret ? MASKED : (c.value ?? "")}`;
export const EMPTY = "(empty)";

function valuePiece(name: string, literal: string, values: DisplayValues): Piece | undefined {
  const v = values.get(name);
  if (!v) return undefined;
  if (v.secret) return { text: MASKED, kind: "secret" };
  if (v.value === undefined) return { text: `${literal}${UNSET}`, kind: "unset" };
  return { text: v.value === "" ? EMPTY : v.value, kind: "value" };
}

/** Where `$NAME` or `${NAME}` sits in a text, and how long it is; `${NAME:-x}` and the like are left alone. */
function referenceAt(text: string, offset: number): { name: string; length: number } | undefined {
  const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(text.slice(offset, offset + 260));
  const name = m?.[1] ?? m?.[2];
  return m && name ? { name, length: m[0].length } : undefined;
}

function splice(text: string, offsets: Iterable<number>, values: DisplayValues): Piece[] {
  const out: Piece[] = [];
  let at = 0;
  for (const offset of offsets) {
    if (offset < at) continue;
    const ref = referenceAt(text, offset);
    if (!ref) continue;
    const piece = valuePiece(ref.name, text.slice(offset, offset + ref.length), values);
    if (!piece) continue;
    if (offset > at) out.push({ text: text.slice(at, offset), kind: "text" });
    out.push(piece);
    at = offset + ref.length;
  }
  if (at < text.length) out.push({ text: text.slice(at), kind: "text" });
  return out;
}

/** Shell source as displayed: references that expand (not in single quotes or comments) show their values. */
export function displayShell(source: string, values: DisplayValues): Piece[] {
  if (values.size === 0) return [{ text: source, kind: "text" }];
  return splice(source, scanShellVariables(source).references.map((r) => r.offset), values);
}

/** Prose as displayed: every `$NAME` / `${NAME}` of a known name shows its value. */
export function displayProse(text: string, values: DisplayValues): Piece[] {
  if (values.size === 0 || !text.includes("$")) return [{ text, kind: "text" }];
  return splice(text, [...text.matchAll(/\$/g)].map((m) => m.index), values);
}
