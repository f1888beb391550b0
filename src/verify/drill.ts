import type { RunState } from "../run/state.js";
import { stepList } from "../run/state.js";

/** Why a finished run does not count as a drill that verifies the runbook; undefined when it does. */
export function drillShortfall(state: RunState): string | undefined {
  if (!state.ended) return "the run did not finish";
  if (state.ended.status !== "completed") return `the run ${state.ended.status.replace("_", " ")}`;
  if (state.rollback) return "a rollback ran";
  const steps = stepList(state);
  const notDone = steps.filter((s) => s.status !== "done");
  if (notDone.length) return `not every step was done: ${notDone.map((s) => `${s.id} ${s.status}`).join(", ")}`;
  if (steps.some((s) => s.by === "resume")) return "a step was marked done without running";
  return undefined;
}
