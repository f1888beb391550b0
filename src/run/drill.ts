import { addPeriod, type ReviewPeriod } from "../model/duration.js";
import type { RunState, StepState } from "./state.js";
import { stepList } from "./state.js";

/**
 * What a drill (`runbook drill`, docs/drills.md) may leave undone and still verify the runbook: the
 * steps whose heading says `drill_skip`, and, with `drill.manual: assume`, the manual steps `--yes`
 * assumed done. The verification names both.
 */
export interface DrillAllowance {
  readonly skipped: readonly string[];
  readonly assumeManual: boolean;
}

const assumedByFlag = (s: StepState) => s.status === "assumed" && s.by === "flag";

/** Why a finished run does not count as a drill that verifies the runbook; undefined when it does. */
export function drillShortfall(state: RunState, drill?: DrillAllowance): string | undefined {
  if (!state.ended) return "the run did not finish";
  if (state.ended.status !== "completed") return `the run ${state.ended.status.replaceAll("_", " ")}`;
  if (state.rollback) return "a rollback ran";
  const steps = stepList(state);
  // A manual step that --yes answered was done by nobody: the drill did not show that a person can do it.
  const byFlag = steps.filter(assumedByFlag);
  if (byFlag.length && !drill?.assumeManual) {
    return `nobody did the manual step${byFlag.length === 1 ? "" : "s"} ${byFlag.map((s) => s.id).join(", ")} (--yes assumed ${byFlag.length === 1 ? "it" : "them"} done); once ${byFlag.length === 1 ? "it has" : "they have"} been checked by hand, \`runbook verify <file>\` records the verification`;
  }
  const allowed = (s: StepState) => drill !== undefined && s.status === "assumed" && (drill.skipped.includes(s.id) || assumedByFlag(s));
  const notDone = steps.filter((s) => s.status !== "done" && !allowed(s));
  if (notDone.length) return `not every step was done: ${notDone.map((s) => `${s.id} ${s.status}`).join(", ")}`;
  if (steps.some((s) => s.by === "resume")) return "a step was marked done without running";
  return undefined;
}

/** What a drill that verified the runbook did not show: the manual steps it assumed done, the steps it left out. */
export function drillAssumptions(state: RunState, drill: DrillAllowance): { assumed: string[]; skipped: string[] } {
  const steps = stepList(state);
  return { assumed: steps.filter(assumedByFlag).map((s) => s.id), skipped: steps.filter((s) => s.status === "assumed" && drill.skipped.includes(s.id)).map((s) => s.id) };
}

/**
 * The date a drill's period counts from: the later of `last_verified` and the last drill that passed
 * in this clone's journals (a drill run without `--commit` verified the runbook too). Pure.
 */
export function drilledOn(lastVerified: string | undefined, lastPassedDrill: string | undefined): string | undefined {
  const drilled = lastPassedDrill?.slice(0, 10);
  if (lastVerified === undefined) return drilled;
  if (drilled === undefined) return lastVerified;
  return drilled > lastVerified ? drilled : lastVerified;
}

/** Whether a drill is due on `today`: never verified, or verified longer ago than `every`. Pure. */
export function drillDue(lastVerified: string | undefined, every: ReviewPeriod, today: Date): { due: boolean; since: string | undefined } {
  if (lastVerified === undefined) return { due: true, since: undefined };
  const next = addPeriod(new Date(`${lastVerified}T00:00:00Z`), every);
  return { due: next.getTime() <= today.getTime(), since: next.toISOString().slice(0, 10) };
}

/** A drill param's value: `${NAME}` read from the environment the drill runs in. Names that are not set are returned, never guessed. */
export function drillParamValues(params: Readonly<Record<string, string>>, env: Readonly<Record<string, string | undefined>>): { values: Record<string, string>; fromEnv: string[]; missing: string[] } {
  const values: Record<string, string> = {};
  const fromEnv = new Set<string>();
  const missing = new Set<string>();
  for (const [name, text] of Object.entries(params)) {
    values[name] = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, v: string) => {
      fromEnv.add(name);
      const value = env[v];
      if (value === undefined || value === "") missing.add(v);
      return value ?? "";
    });
  }
  return { values, fromEnv: [...fromEnv], missing: [...missing] };
}
