import type { RunState } from "./state.js";
import { stepList } from "./state.js";

/** Why a finished run does not count as a drill that verifies the runbook; undefined when it does. */
export function drillShortfall(state: RunState): string | undefined {
  if (!state.ended) return "the run did not finish";
  if (state.ended.status !== "completed") return `the run ${state.ended.status.replaceAll("_", " ")}`;
  if (state.rollback) return "a rollback ran";
  const steps = stepList(state);
  // A manual step that --yes answered was done by nobody: the drill did not show that a person can do it.
  const byFlag = steps.filter((s) => s.status === "assumed" && s.by === "flag");
  if (byFlag.length) {
    return `nobody did the manual step${byFlag.length === 1 ? "" : "s"} ${byFlag.map((s) => s.id).join(", ")} (--yes assumed ${byFlag.length === 1 ? "it" : "them"} done); once ${byFlag.length === 1 ? "it has" : "they have"} been checked by hand, \`runbook verify <file>\` records the verification`;
  }
  const notDone = steps.filter((s) => s.status !== "done");
  if (notDone.length) return `not every step was done: ${notDone.map((s) => `${s.id} ${s.status}`).join(", ")}`;
  if (steps.some((s) => s.by === "resume")) return "a step was marked done without running";
  return undefined;
}
