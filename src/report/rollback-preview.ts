import type { RollbackBarrier, RollbackItem } from "../run/ask.js";
import { printableLine } from "../core/printable.js";

/**
 * A rollback's preview as lines: what will be undone, in order, then the irreversible step it stops at
 * and what that leaves as it is. The same words for the line prompt and `rollback --dry-run`.
 */
export function rollbackPreview(items: readonly RollbackItem[], barrier: RollbackBarrier | undefined): string[] {
  const out = items.map((it, i) => `  ${i + 1}. ${printableLine(it.label)}: ${printableLine(it.action)}`);
  if (!out.length) out.push(barrier ? "  nothing before the barrier below" : "  nothing: no step of this run has changed anything");
  if (barrier) {
    out.push(`  ── stops at ${printableLine(barrier.target)}: it is irreversible (${printableLine(barrier.reason)})`);
    if (barrier.beyond.length) {
      out.push("     left as it is, because it came before that point of no return:");
      for (const it of barrier.beyond) out.push(`       ${printableLine(it.label)}: ${printableLine(it.action)}`);
    }
  }
  return out;
}
