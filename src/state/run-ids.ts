import { UsageError } from "../core/errors.js";
import { distance } from "../model/suggest.js";

/**
 * The one way a command names a run: a full run id, any unique prefix of one, or `last` (the newest
 * run). A miss lists the closest ids, so a typo costs one look. `ids` are oldest first, as stores
 * list them. Pure: `resume`, `rollback`, `log` and `note` all call it with their store's list.
 */
export function resolveRunId(given: string, ids: readonly string[], where: string): string {
  const wanted = given.trim();
  if (wanted === "last") {
    const newest = ids.at(-1);
    if (newest === undefined) throw new UsageError(`no runs in ${where}, so no \`last\` run`, { hint: "Start one with `runbook run <file>`." });
    return newest;
  }
  if (ids.includes(wanted)) return wanted;
  // Ids name files: anything that could climb out of the state folder is not one.
  if (!/^[0-9A-Za-z-]+$/.test(wanted)) throw new UsageError(`\`${wanted}\` is not a run id (like 20261127T132236Z-postgres-failover-7612, a prefix of one, or last)`, { hint: "See `runbook runs` for the runs in this project." });
  const matches = wanted === "" ? [] : ids.filter((id) => id.startsWith(wanted));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    const shown = matches.slice(-5);
    throw new UsageError(`\`${wanted}\` matches ${matches.length} runs: ${shown.join(", ")}${matches.length > shown.length ? ", …" : ""}`, { hint: "Give more of the run id." });
  }
  const near = closestRunIds(wanted, ids);
  throw new UsageError(`no run \`${wanted}\` in ${where}`, { hint: near.length ? `Closest runs: ${near.join(", ")}` : "See `runbook runs`." });
}

/** The ids nearest to what was typed: compared over the typed length, so a prefix with a typo still finds its run. */
export function closestRunIds(given: string, ids: readonly string[], count = 3): string[] {
  return ids
    .map((id, i) => ({ id, i, d: distance(given, id.slice(0, Math.max(given.length, 1))) }))
    .sort((a, b) => a.d - b.d || b.i - a.i)
    .slice(0, count)
    .map((x) => x.id);
}
