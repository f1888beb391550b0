import { hostsText, hostTally, runWord, stepList, stepWord, type RunState, type StepState } from "../run/state.js";
import { STANDING_WORDS } from "../run/words.js";
import { MASKED } from "../core/masked.js";
import { ENDED, isLive, leftAsIs, offers, openness, readerCommand, type Holder, type Offers, type Openness } from "./openness.js";
import type { RunbookFacts, StepFacts } from "./step-facts.js";

export { ENDED, leftAsIs, type Holder } from "./openness.js";

/** One run at a glance: what `runs`, `handoff` and `stats` say about it. Pure, from the state. */
export interface RunSummary {
  readonly runId: string;
  readonly runbook: string;
  readonly title: string;
  /** Where the runbook is, relative to its repository (or the absolute path it ran from). */
  readonly path: string;
  /** Who started it; `by` is who had it last (a resume, a rollback). */
  readonly operator: string;
  readonly host: string;
  readonly by: string;
  readonly startedAt: string;
  /** When the run ended (run_finished), else undefined. */
  readonly endedAt: string | undefined;
  readonly lastAt: string;
  /** Start to end for an ended run; start to the last event otherwise. */
  readonly durationMs: number;
  /** The one word of the run core: live, interrupted, completed, failed, aborted, rolled back… */
  readonly word: string;
  readonly status: RunState["status"];
  /** Started by `runbook drill`, and whether it recorded a verification (docs/drills.md). */
  readonly drill: boolean;
  readonly verified: boolean;
  readonly live: boolean;
  /** Where it stands for whoever reads it (report/openness.ts): what the commands below come from. */
  readonly openness: Openness;
  readonly holder: Holder | undefined;
  /** The step running now or where the run goes on: running, interrupted, failed at, or next. */
  readonly step: string | undefined;
  readonly stepWord: string | undefined;
  /** The step it stands at, on a group: its hosts done, failed, pending. */
  readonly hosts: string | undefined;
  readonly done: number;
  readonly total: number;
  readonly note: string | undefined;
  readonly notes: RunState["notes"];
  /** What the run waits for, in words: an answer, a person to resume it, nothing. */
  readonly waitingFor: string | undefined;
  /** The last lines of output of the step it stopped at (or the last one that printed). */
  readonly lastOutput: readonly string[];
  /** Exact commands to go on, when the run can; for a live run someone else holds, who and how to reach them. */
  readonly commands: Offers;
  /** The one command for whoever reads this and would go on with it (report/openness.ts `readerCommand`). */
  readonly command: string | undefined;
  /** What the runbook says of the step it stands at (confirm, irreversible and why, manual); undefined when the runbook could not be read. */
  readonly stepFacts: StepFacts | undefined;
  /** Steps after the one it stands at that will ask a person or cannot be undone (the first three), with what the runbook says of them: what whoever goes on will face. */
  readonly ahead: ReadonlyArray<{ readonly id: string; readonly facts: StepFacts }>;
  /** Steps done so far that changed something: they have a rollback, or are irreversible (with why). Empty when the runbook could not be read. */
  readonly changed: ReadonlyArray<{ readonly id: string; readonly rollback: boolean; readonly irreversible: string | undefined }>;
  /** The run's params by name, in the order given; a secret one reads as MASKED. */
  readonly params: ReadonlyArray<readonly [name: string, value: string]>;
  /** Where the step facts come from: the runbook the run started with, another version of it (changed since), or none found. */
  readonly runbookRead: "same" | "changed" | "not found";
  /** Params the journal does not keep (secrets): named, never shown. */
  readonly giveAgain: readonly string[];
  /** Answers a resume will ask for, and the flag that gives each without a terminal. */
  readonly answers: readonly string[];
  /** A rollback that stopped at an irreversible step: that step, and what it leaves as it is (newest first). */
  readonly barrier: { readonly target: string; readonly reason: string } | undefined;
  readonly notUndone: readonly string[];
  /** Who closed the run (`runbook close`), for a closed run. */
  readonly closedBy: string | undefined;
  /** Figures for `stats`. */
  readonly retried: boolean;
  readonly skippedOrManual: boolean;
  readonly rolledBack: boolean;
  /** Run with `--break-glass`: without the approval its runbook asks for (docs/approvals.md). */
  readonly breakGlass: string | undefined;
  /**
   * `approvals.steps` (journal version 8): the plan verified before the first of them, or the steps
   * still waiting for one. Undefined for a run that waits for none.
   */
  readonly stepApproval: { readonly before: readonly string[]; readonly checked: { readonly plan: string; readonly at: string; readonly approvers: readonly string[] } | undefined } | undefined;
}


/** The step a run stands at: running, interrupted or failed, else the first not finished. */
export function standingStep(state: RunState): StepState | undefined {
  const steps = stepList(state);
  return steps.find((s) => s.status === "running" || s.status === "interrupted" || s.status === "failed") ?? steps.find((s) => s.status === "pending");
}

/**
 * `facts`: what the run's runbook says of its steps (read by the caller: cli/runbook-facts.ts), for
 * the flags of the step it stands at and which done steps changed something.
 */
export function summarize(state: RunState, holder: Holder | undefined, lines = 5, facts?: RunbookFacts): RunSummary {
  const started = state.started;
  const open = openness(state, holder);
  const live = isLive(open);
  const offered = offers(state, open);
  // A person can go on with it from here: what they must give again and answer.
  const goesOn = offered.resume !== undefined || offered.rollback !== undefined;
  const stopped = live ? state : leftAsIs(state);
  const word = runWord(state, live);
  const steps = stepList(stopped);
  // A run that ended cleanly stands nowhere; a failed or aborted one stands where it stopped.
  // A closed run stands where it was left (what was done is the record); one rolled back stands nowhere.
  // A run being rolled back (or whose rollback was cut short) stands at no step: its rollback is what goes on.
  const rollingBack = state.rollback !== undefined && state.status !== "closed";
  const at = rollingBack || state.status === "completed" || state.status === "rolled_back" || state.status === "rolled_back_to" || state.status === "rollback_failed" ? undefined : standingStep(stopped);
  const last = state.sessions.at(-1);
  const endedAt = state.ended?.ts;
  const rolledBack = state.rollback !== undefined;
  const giveAgain = [...started.secrets, ...[...state.captures.values()].filter((c) => c.secret && c.value === null).map((c) => c.name)];
  const tailOf = at ?? steps.filter((s) => state.tails.has(s.id)).at(-1);
  return {
    runId: started.runId,
    runbook: started.runbook.id,
    title: started.runbook.title ?? started.runbook.id,
    path: started.runbook.path ?? started.runbook.file,
    operator: started.operator,
    host: started.host,
    by: last?.operator ?? started.operator,
    startedAt: started.ts,
    endedAt,
    lastAt: state.lastEvent.ts,
    durationMs: Math.max(0, Date.parse(endedAt ?? state.lastEvent.ts) - Date.parse(started.ts)),
    word,
    status: state.status,
    drill: started.options.drill === true,
    verified: state.verification?.type === "verification_recorded",
    live,
    openness: open,
    holder: open.kind === "live-other" ? open.holder : undefined,
    step: at?.id,
    stepWord: at ? standingWord(state, at) : undefined,
    hosts: hostsAt(stopped, at?.id),
    done: steps.filter((s) => s.status === "done").length,
    total: steps.length,
    note: state.ended?.note,
    notes: state.notes,
    waitingFor: waitingFor(stopped, live, at),
    lastOutput: tailOf ? lastLines(state.tails.get(tailOf.id) ?? "", lines) : [],
    commands: offered,
    command: readerCommand(offered),
    stepFacts: at ? facts?.steps.get(at.id) : undefined,
    ahead: facts && at ? aheadOf(steps, at.id, facts) : [],
    changed: facts ? steps.flatMap((st) => {
      const f = facts.steps.get(st.id);
      return st.status === "done" && f && (f.rollback || f.irreversible !== undefined) ? [{ id: st.id, rollback: f.rollback, irreversible: f.irreversible }] : [];
    }) : [],
    params: Object.entries(started.params).map(([k, v]) => [k, started.secrets.includes(k) ? MASKED : v] as const),
    runbookRead: facts === undefined ? "not found" : facts.same ? "same" : "changed",
    giveAgain: goesOn ? giveAgain : [],
    answers: goesOn ? answersNeeded(stopped, at) : [],
    barrier: state.rollback?.barrier,
    notUndone: state.status === "rolled_back_to" ? [...(state.rollback?.beyond ?? [])] : [],
    closedBy: state.status === "closed" ? (state.ended?.by ?? "?") : undefined,
    retried: steps.some((s) => s.attempts > 1 || (s.attempt?.retry ?? 0) > 0),
    skippedOrManual: steps.some((s) => s.status === "skipped" || s.status === "assumed" || s.by === "operator" || s.by === "resume"),
    rolledBack,
    breakGlass: started.breakGlass?.reason,
    stepApproval: started.approvalAt?.length
      ? { before: [...started.approvalAt], checked: state.approval ? { plan: state.approval.plan, at: state.approval.target, approvers: [...state.approval.approvers] } : undefined }
      : undefined,
  };
}

/**
 * The word before the step a run stands at: `next` (or `left before`, in a closed run) for a step not
 * started, else the step's own word in the one vocabulary (a step at its failure menu reads failed).
 * What a rollback did is not said here: a rolled-back run stands at no step.
 */
function standingWord(state: RunState, at: StepState): string {
  if (at.status === "pending") return state.status === "closed" ? STANDING_WORDS.leftBefore : STANDING_WORDS.next;
  return stepWord({ ...at, rollback: undefined });
}

function waitingFor(state: RunState, live: boolean, at: StepState | undefined): string | undefined {
  if (state.ended && ENDED.has(state.status)) return undefined;
  if (live) {
    const undoing = [...(state.rollback?.attempts ?? [])].find(([t, a]) => a.result === undefined && !state.rollback?.results.has(t))?.[0];
    if (state.rollback) return undoing ? `the rollback of step ${undoing} to finish` : "its rollback to go on";
    if (!at) return "its last events";
    if (awaitsPlan(state, at)) return `an approved plan before step ${at.id} (approvals.steps): its runner is waiting for one`;
    if (at.status === "running" && at.attempt && at.attempt.result === undefined) return `step ${at.id} to finish (running since ${at.attempt.startedAt})`;
    return `an answer at step ${at.id}, in the terminal that runs it`;
  }
  if (state.status === "rollback_failed") return "someone to check the system by hand: some rollback blocks failed";
  if (state.rollback && !state.ended) return "someone to carry on the rollback";
  if (at?.status === "interrupted") return `someone to decide about step ${at.id}: it was cut short and its outcome is unknown`;
  if (state.status === "failed") return at ? `someone to retry step ${at.id} or roll the run back` : "someone to roll the run back";
  if (state.status === "aborted") return at ? `someone to resume at step ${at.id} or roll the run back` : "someone to roll the run back";
  if (at && awaitsPlan(state, at)) return `an approved plan before step ${at.id} (approvals.steps), then someone to resume it`;
  return at ? `someone to resume it at step ${at.id}` : "someone to resume it";
}

/** The step a run stands at is one of `approvalAt` and no plan was verified yet: it waits for one. */
const awaitsPlan = (state: RunState, at: StepState): boolean => state.approval === undefined && at.status === "pending" && (state.started.approvalAt ?? []).includes(at.id);

function answersNeeded(state: RunState, at: StepState | undefined): string[] {
  const out: string[] = [];
  if (at?.status === "interrupted") out.push(`step ${at.id} was cut short: you will be asked to run it again, skip it or mark it done (without a terminal: --rerun-interrupted, --skip-interrupted or --mark-interrupted-done)`);
  const rb = state.rollback;
  if (rb && [...rb.attempts].some(([t, a]) => a.result === undefined && !rb.results.has(t))) out.push("a rollback block was cut short: the same choice (--rerun-interrupted, --skip-interrupted or --mark-interrupted-done)");
  return out;
}

function lastLines(text: string, n: number): string[] {
  return text.split(/\r?\n/).map((l) => l.slice(l.lastIndexOf("\r") + 1)).filter((l) => l.trim() !== "").slice(-n);
}

/** The hosts of the step a run stands at, when it runs on a group; else those of the last step on a group. */
function hostsAt(state: RunState, id: string | undefined): string | undefined {
  const onGroup = stepList(state).filter((s) => s.hosts.size);
  const t = hostTally(state, id !== undefined && state.steps.get(id)?.hosts.size ? id : (onGroup.at(-1)?.id ?? ""));
  return t ? hostsText(t) : undefined;
}

/** The pending steps after `from` that ask a person or are irreversible, the first three. */
function aheadOf(steps: readonly StepState[], from: string, facts: RunbookFacts): Array<{ id: string; facts: StepFacts }> {
  const after = steps.slice(steps.findIndex((st) => st.id === from) + 1).filter((st) => st.status === "pending");
  return after.flatMap((st) => {
    const f = facts.steps.get(st.id);
    return f && (f.confirm || f.manual || f.irreversible !== undefined) ? [{ id: st.id, facts: f }] : [];
  }).slice(0, 3);
}
