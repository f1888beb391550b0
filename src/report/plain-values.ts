import type { PlanStep } from "../run/plan.js";
import { scanShellVariables } from "../model/shell-vars.js";
import { EMPTY, UNSET, type DisplayValues } from "./display-values.js";
import { nearTwins, twinNote } from "./near-twins.js";
import { printableLine } from "../core/printable.js";
import { MASKED } from "../core/masked.js";

/**
 * The values a step's command uses, for a line prompt (`--plain` at a terminal): each whole on its
 * line (a terminal wraps a line, never cuts it), a secret as ***. Under a value that looks like
 * another of the run's, carets under the characters that differ and a note naming the other, in
 * text. Secrets are never compared. Pure.
 */
export function commandValues(step: PlanStep, values: DisplayValues): string[] {
  if (!step.command) return [];
  const names = [...new Set(scanShellVariables(step.command.source).references.map((r) => r.name))].filter((n) => values.has(n));
  if (names.length === 0) return [];
  const twins = nearTwins([...values].flatMap(([name, v]) => (v.secret || !v.value ? [] : [{ name, value: v.value }])));
  const lines = ["  values the command uses:"];
  for (const name of names) {
    const v = values.get(name)!;
    const head = `    ${printableLine(name)} = `;
    if (v.secret || !v.value) {
      lines.push(`${head}${v.secret ? MASKED : v.value === undefined ? UNSET : EMPTY}`);
      continue;
    }
    lines.push(`${head}${printableLine(v.value)}`);
    const mine = twins.get(name);
    if (!mine) continue;
    // One column per character shown: a control character shows as an escape several wide.
    const carets: string[] = [];
    Array.from(v.value).forEach((c, i) => {
      const w = printableLine(c).length;
      const marked = mine.some((t) => !t.same && (t.from === t.to ? i === t.from : i >= t.from && i < t.to));
      carets.push((marked ? "^" : " ").repeat(w));
    });
    if (mine.some((t) => !t.same && t.from === t.to && t.from >= Array.from(v.value!).length)) carets.push("^");
    const under = carets.join("").trimEnd();
    lines.push(`${" ".repeat(head.length)}${under}${under ? " " : ""}${twinNote(mine)}`);
  }
  return lines;
}
