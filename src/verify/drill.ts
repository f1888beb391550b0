import type { JournalEvent } from "../journal/events.js";
import { reduceRun } from "../journal/reduce.js";

/** Why a finished run does not count as a drill that verifies the runbook; undefined when it does. */
export function drillShortfall(events: readonly JournalEvent[]): string | undefined {
  const state = reduceRun(events);
  if (!state.finished) return "the run did not finish";
  if (state.finished.status !== "completed") return `the run ${state.finished.status.replace("_", " ")}`;
  if (state.rollbackStarted) return "a rollback ran";
  const notDone = [...state.steps].filter(([, s]) => s !== "done");
  if (notDone.length) return `not every step was done: ${notDone.map(([id, s]) => `${id} ${s}`).join(", ")}`;
  const skippedByOperator = events.some((e) => e.type === "answer" && (e.answer === "skip" || (e.question === "interrupted" && e.answer === "done")));
  if (skippedByOperator) return "a step was skipped or marked done without running";
  return undefined;
}
