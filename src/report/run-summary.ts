import { asStopped, runWord, stepList, type RunState, type StepState } from "../run/state.js";

/** Who holds a live run, as its lock or lease says. */
export interface Holder {
  readonly runId: string;
  readonly user: string;
  readonly host: string;
  readonly pid: number;
  /** When a shared lease ends unless it is renewed (absent for a lock in the local state folder). */
  readonly leaseUntil: string | undefined;
}

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
  readonly live: boolean;
  readonly holder: Holder | undefined;
  /** The step running now or where the run goes on: running, interrupted, failed at, or next. */
  readonly step: string | undefined;
  readonly stepWord: string | undefined;
  readonly done: number;
  readonly total: number;
  readonly note: string | undefined;
  readonly notes: RunState["notes"];
  /** What the run waits for, in words: an answer, a person to resume it, nothing. */
  readonly waitingFor: string | undefined;
  /** The last lines of output of the step it stopped at (or the last one that printed). */
  readonly lastOutput: readonly string[];
  /** Exact commands to go on, when the run can. */
  readonly commands: { readonly resume?: string; readonly rollback?: string };
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
}

const OPEN: ReadonlySet<RunState["status"]> = new Set(["running", "interrupted", "failed", "aborted"]);

/**
 * Runs that ended and need nobody: completed, rolled back (wholly, or to an irreversible step), or
 * closed by someone (`runbook close`). Every other state is open (a failed rollback needs someone
 * to check the system by hand).
 */
export const ENDED: ReadonlySet<RunState["status"]> = new Set(["completed", "rolled_back", "rolled_back_to", "closed"]);

/** The step a run stands at: running, interrupted or failed, else the first not finished. */
export function standingStep(state: RunState): StepState | undefined {
  const steps = stepList(state);
  return steps.find((s) => s.status === "running" || s.status === "interrupted" || s.status === "failed") ?? steps.find((s) => s.status === "pending");
}

/**
 * How a run that no process holds looks: a block it was running when its runner stopped has an
 * unknown outcome (interrupted). That is also true of a run closed after its runner died
 * (`runbook close`): its record ends where it was left.
 */
export function leftAsIs(state: RunState): RunState {
  if (state.status !== "closed") return asStopped(state);
  return { ...asStopped({ ...state, status: "running" }), status: "closed" };
}

export function summarize(state: RunState, holder: Holder | undefined, lines = 5): RunSummary {
  const started = state.started;
  const live = holder !== undefined && holder.runId === started.runId && state.status === "running";
  const stopped = live ? state : leftAsIs(state);
  const word = runWord(state, live);
  const steps = stepList(stopped);
  // A run that ended cleanly stands nowhere; a failed or aborted one stands where it stopped.
  // A closed run stands where it was left (what was done is the record); one rolled back stands nowhere.
  const at = state.status === "completed" || state.status === "rolled_back" || state.status === "rolled_back_to" || state.status === "rollback_failed" ? undefined : standingStep(stopped);
  const last = state.sessions.at(-1);
  const endedAt = state.ended?.ts;
  const open = OPEN.has(state.status);
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
    live,
    holder: live ? holder : undefined,
    step: at?.id,
    stepWord: at ? (at.status === "pending" ? (state.status === "closed" ? "left before" : "next") : at.status === "running" && at.attempt?.result && at.attempt.result.exitCode !== 0 ? "failed" : at.status) : undefined,
    done: steps.filter((s) => s.status === "done").length,
    total: steps.length,
    note: state.ended?.note,
    notes: state.notes,
    waitingFor: waitingFor(stopped, live, at),
    lastOutput: tailOf ? lastLines(state.tails.get(tailOf.id) ?? "", lines) : [],
    commands: open && !live ? { ...(!rolledBack ? { resume: `runbook resume ${started.runId}` } : {}), rollback: `runbook rollback ${started.runId}` } : {},
    giveAgain: open && !live ? giveAgain : [],
    answers: open && !live ? answersNeeded(stopped, at) : [],
    barrier: state.rollback?.barrier,
    notUndone: state.status === "rolled_back_to" ? [...(state.rollback?.beyond ?? [])] : [],
    closedBy: state.status === "closed" ? (state.ended?.by ?? "?") : undefined,
    retried: steps.some((s) => s.attempts > 1 || (s.attempt?.retry ?? 0) > 0),
    skippedOrManual: steps.some((s) => s.status === "skipped" || s.status === "assumed" || s.by === "operator" || s.by === "resume"),
    rolledBack,
    breakGlass: started.breakGlass?.reason,
  };
}

function waitingFor(state: RunState, live: boolean, at: StepState | undefined): string | undefined {
  if (state.ended && ENDED.has(state.status)) return undefined;
  if (live) {
    if (!at) return "its last events";
    if (at.status === "running" && at.attempt && at.attempt.result === undefined) return `step ${at.id} to finish (running since ${at.attempt.startedAt})`;
    return `an answer at step ${at.id}, in the terminal that runs it`;
  }
  if (state.status === "rollback_failed") return "someone to check the system by hand: some rollback blocks failed";
  if (state.rollback && !state.ended) return "someone to carry on the rollback";
  if (at?.status === "interrupted") return `someone to decide about step ${at.id}: it was cut short and its outcome is unknown`;
  if (state.status === "failed") return at ? `someone to retry step ${at.id} or roll the run back` : "someone to roll the run back";
  if (state.status === "aborted") return at ? `someone to resume at step ${at.id} or roll the run back` : "someone to roll the run back";
  return at ? `someone to resume it at step ${at.id}` : "someone to resume it";
}

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
