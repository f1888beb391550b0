import type { ParamEntry, ParamSource } from "../run/param-review.js";
import { editLine, type KeyPress } from "./keys.js";

/** The param review before the start: values as they stand, the row chosen, an edit under way. */
export interface ReviewState {
  readonly values: Readonly<Record<string, string>>;
  readonly sources: Readonly<Record<string, ParamSource | "edited">>;
  /** A param's row, or `entries.length`: the row that starts the run. */
  readonly cursor: number;
  /** Text typed, or for a param with choices, the choice under the cursor. */
  readonly editing: { readonly name: string; readonly text: string; readonly choice: number } | undefined;
  readonly error: string | undefined;
  /** q or Esc was pressed once: the second leaves without running anything. */
  readonly quitArmed: boolean;
  /** `?`: the list of keys, until the next key (which does nothing else). */
  readonly help: boolean;
}

export function initialReview(entries: readonly ParamEntry[]): ReviewState {
  return {
    values: Object.fromEntries(entries.map((e) => [e.name, e.value])),
    sources: Object.fromEntries(entries.map((e) => [e.name, e.source])),
    cursor: entries.length,
    editing: undefined,
    error: undefined,
    quitArmed: false,
    help: false,
  };
}

export type ReviewOutcome = { readonly start: Readonly<Record<string, string>> } | { readonly quit: true };

function startEdit(e: ParamEntry, s: ReviewState): ReviewState {
  const value = s.values[e.name] ?? "";
  // A secret is typed again from nothing: its value is never put on screen, not even as a field to edit.
  return { ...s, editing: { name: e.name, text: e.secret ? "" : value, choice: Math.max(0, e.choices?.indexOf(value) ?? 0) }, error: undefined, quitArmed: false };
}

function commit(e: ParamEntry, s: ReviewState, value: string): ReviewState {
  const problem = e.validate(value);
  if (problem !== undefined) return { ...s, error: problem };
  const changed = value !== s.values[e.name];
  return { ...s, values: { ...s.values, [e.name]: value }, sources: changed ? { ...s.sources, [e.name]: "edited" } : s.sources, editing: undefined, error: undefined };
}

/**
 * What a key does on the review screen. Pure. ↑/↓ choose a row, Enter edits it (or starts, on the
 * last row), `s` starts from anywhere, `q`/Esc twice leaves without running anything. While editing,
 * Enter keeps the value if it is valid and Esc cancels; a param with choices is picked from its list.
 * `?` lists the keys (and disarms a pending q), except in a typed value, which may hold a `?`.
 */
export function onReviewKey(entries: readonly ParamEntry[], s: ReviewState, k: KeyPress): { state: ReviewState; outcome?: ReviewOutcome } {
  if (s.help) return { state: { ...s, help: false } };
  const ed = s.editing;
  const typing = ed !== undefined && entries.find((x) => x.name === ed.name)?.choices === undefined;
  if (k.text === "?" && !typing) return { state: { ...s, help: true, quitArmed: false } };
  if (ed) {
    const e = entries.find((x) => x.name === ed.name)!;
    if (k.escape) return { state: { ...s, editing: undefined, error: undefined } };
    if (e.choices) {
      const n = e.choices.length;
      if (k.nav === "up") return { state: { ...s, editing: { ...ed, choice: (ed.choice + n - 1) % n } } };
      if (k.nav === "down") return { state: { ...s, editing: { ...ed, choice: (ed.choice + 1) % n } } };
      const digit = Number(k.text);
      if (k.text !== "" && Number.isInteger(digit) && digit >= 1 && digit <= n) return { state: commit(e, s, e.choices[digit - 1]!) };
      if (k.return) return { state: commit(e, s, e.choices[ed.choice]!) };
      return { state: s };
    }
    const r = editLine(ed.text, k);
    if (r.submit) return { state: commit(e, s, ed.text) };
    return { state: { ...s, editing: { ...ed, text: r.value }, error: undefined } };
  }
  if (s.quitArmed) {
    if (k.escape || k.return || k.text.toLowerCase() === "q") return { state: s, outcome: { quit: true } };
    return { state: { ...s, quitArmed: false } };
  }
  const last = entries.length;
  if (k.nav === "up" || k.text === "k") return { state: { ...s, cursor: Math.max(0, s.cursor - 1), error: undefined } };
  if (k.nav === "down" || k.text === "j" || k.tab) return { state: { ...s, cursor: Math.min(last, s.cursor + 1), error: undefined } };
  if (k.nav === "home") return { state: { ...s, cursor: 0 } };
  if (k.nav === "end") return { state: { ...s, cursor: last } };
  if (k.text.toLowerCase() === "s" || (k.return && s.cursor === last)) return { state: s, outcome: { start: s.values } };
  if ((k.return || k.text.toLowerCase() === "e") && s.cursor < last) return { state: startEdit(entries[s.cursor]!, s) };
  if (k.escape || k.text.toLowerCase() === "q") return { state: { ...s, quitArmed: true } };
  return { state: s };
}
