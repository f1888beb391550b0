import type { ParamEntry } from "../run/param-review.js";
import { printableLine } from "../core/printable.js";
import { nearTwins } from "../report/near-twins.js";
import type { ReviewState } from "./review-keys.js";
import { wrapCode, wrapWords, type Span, type StyledLine } from "./styled.js";
import { besides, nameLines, valueLines } from "./value-lines.js";
import { MASKED } from "../core/masked.js";

/** Where a value came from, as the review says it. */
export const SOURCE: Readonly<Record<string, string>> = { flag: "-p flag", environment: "RUNBOOK_PARAM_", default: "default", typed: "typed", edited: "edited" };

/** What the runbook says of a param: its description, example, default and choices. */
export function aboutParam(e: ParamEntry): string {
  return [e.description, e.example !== undefined ? `e.g. ${e.example}` : undefined, e.defaultValue !== undefined ? `default ${e.defaultValue}` : undefined, e.choices ? `one of ${e.choices.join(", ")}` : undefined, e.secret ? "secret: never shown" : undefined]
    .filter(Boolean)
    .join(" · ");
}

/** Below this a value gets the whole width under its name, not a column beside it. */
const NARROW = 16;

export interface ReviewTable {
  readonly header: StyledLine;
  /** Each param's lines, in order: its row, the marks under a look-alike value, and (with `about`) what the runbook says of it. */
  readonly rows: readonly StyledLine[][];
}

/**
 * The review's table at `width` (inside its border): a param's name, its value whole (wrapped in its
 * column, never cut; a secret as ***), where the value came from. A value that looks like another
 * param's has the characters that differ marked, carets under them and a note naming the other
 * (secrets are never compared). Pure.
 */
export function reviewTable(entries: readonly ParamEntry[], s: ReviewState, width: number, about: boolean): ReviewTable {
  const sourceOf = (e: ParamEntry) => SOURCE[s.sources[e.name] ?? e.source] ?? s.sources[e.name] ?? e.source;
  const nameW = Math.min(20, Math.max(5, ...entries.map((e) => Array.from(e.name).length)));
  const sourceW = Math.max(4, ...entries.map((e) => sourceOf(e).length));
  const room = width - 2 - nameW - 1 - 1 - sourceW;
  const narrow = room < NARROW;
  // As wide as the longest value that fits beside its name, so "from" stays near the values.
  const valueW = Math.max(5, Math.min(room, Math.max(0, ...entries.map((e) => (e.secret ? 3 : Array.from(printableLine(s.values[e.name] ?? "")).length)).filter((n) => n <= room))));
  const twins = nearTwins(entries.filter((e) => !e.secret && (s.values[e.name] ?? "") !== "").map((e) => ({ name: e.name, value: s.values[e.name]! })));
  const header: StyledLine = narrow
    ? [{ text: "  param, from; value under it", style: "dim" }]
    : [{ text: `  ${"param".padEnd(nameW)} ${"value".padEnd(valueW)} from`, style: "dim" }];
  const rows = entries.map((e, i) => {
    const at = i === s.cursor;
    const source = s.sources[e.name] ?? e.source;
    const marker: Span = { text: at ? "› " : "  ", style: at ? "bold" : "plain" };
    const nameStyle = at && !s.editing ? "chosen" : "name";
    const value = (w: number) => valueLines(s.values[e.name] ?? "", { width: w, style: source === "edited" ? "warn" : "value", twins: twins.get(e.name), secret: e.secret });
    const where: StyledLine = [{ text: sourceOf(e), style: "plain" }];
    const shown = e.secret ? MASKED : printableLine(s.values[e.name] ?? "");
    // A value longer than its column gets lines of its own under its name, nearly the full width.
    // The name takes the value's column too: "from" stays in its column.
    const nameRoom = nameW + 1 + valueW;
    const lines: StyledLine[] = narrow
      ? [...besides([{ lines: [[marker]], width: 2, gap: 0 }, { lines: nameLines(e.name, width - 2, nameStyle), width: width - 2 }]), [{ text: `  ${sourceOf(e)}`, style: "plain" }], ...besides([{ lines: [], width: 3 }, { lines: value(width - 4), width: width - 4 }])]
      : Array.from(shown).length > valueW || Array.from(e.name).length > nameW
        ? [
            ...besides([
              { lines: [[marker]], width: 2, gap: 0 },
              { lines: nameLines(e.name, nameRoom, nameStyle), width: nameRoom },
              { lines: [where], width: sourceW },
            ]),
            ...besides([{ lines: [], width: 3 }, { lines: value(width - 4), width: width - 4 }]),
          ]
        : besides([
            { lines: [[marker]], width: 2, gap: 0 },
            { lines: nameLines(e.name, nameW, nameStyle), width: nameW },
            { lines: value(valueW), width: valueW },
            { lines: [where], width: sourceW },
          ]);
    const text = aboutParam(e);
    if (about && text) lines.push(...wrapWords([{ text: printableLine(text), style: "dim" }], width, "    ", "    "));
    return lines;
  });
  return { header, rows };
}

/** The lines under the table while a value is changed: its name and what the runbook says, the list or the field, the keys or why the value is refused. Pure. */
export function editLines(e: ParamEntry, s: ReviewState, width: number): StyledLine[] {
  const ed = s.editing;
  if (!ed) return [];
  const lines: StyledLine[] = wrapWords([{ text: e.name, style: "bold" }, { text: ` ${printableLine(aboutParam(e))}`, style: "dim" }], width);
  if (e.choices) {
    e.choices.forEach((c, i) => lines.push(...wrapCode([{ text: `${i + 1}. ${printableLine(c)}`, style: i === ed.choice ? "bold" : "plain" }], width, i === ed.choice ? "› " : "  ", "     ")));
  } else {
    // What is typed, whole: wrapped, never cut; a secret as stars.
    const typed = e.secret ? "*".repeat(Array.from(ed.text).length) : printableLine(ed.text);
    lines.push(...wrapCode([{ text: typed, style: "plain" }, { text: " ", style: "key" }], width, "› ", "  "));
  }
  const live = !e.choices && ed.text !== "" ? e.validate(ed.text) : undefined;
  const problem = s.error ?? live;
  if (problem) lines.push(...wrapWords([{ text: printableLine(problem), style: "error" }], width));
  else lines.push(...wrapWords([{ text: e.choices ? "↑↓ or 1-9 choose · Enter keep · Esc cancel · ? keys" : "Enter keep · Esc cancel · Ctrl-U clear", style: "dim" }], width));
  return lines;
}
