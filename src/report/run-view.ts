import type { EventOf, Phase } from "../journal/events.js";
import { formatDuration } from "../model/duration.js";
import type { DisplayValue, DisplayValues } from "./display-values.js";
import { describeFailure } from "./failure-text.js";
import { asSeen, isLive, offers, openness, type Holder, type Offers, type Openness } from "./openness.js";
import { failed } from "../journal/outcome.js";
import { currentStep, hostsText, hostTally, interruptedWord, runWord, stepList, stepWord, type Attempt, type AttemptResult, type Note, type RunState, type Session, type StepState, type StepWord } from "../run/state.js";
import { captureText } from "./display-values.js";

/** What every screen shows of a run: derived from the state, the same words everywhere. Pure. */
export interface RunView {
  readonly runId: string;
  readonly title: string;
  /** The run's word: live, interrupted, completed, failed, aborted, rolled back… */
  readonly word: string;
  readonly ended: boolean;
  readonly note: string | undefined;
  readonly startedAt: string;
  readonly lastAt: string;
  readonly totalMs: number;
  /** Who started the run, then who took it over, in order. */
  readonly sessions: readonly Session[];
  readonly rows: readonly StepRow[];
  readonly checks: readonly CheckRow[];
  /** The step to look at now: running, interrupted, or next. */
  readonly current: string | undefined;
  /** Params (secrets as ***) and captured values, by name, for display only; a capture not made yet is unset. */
  readonly values: DisplayValues;
  /** The block that ran last and the end of its output: what a summary or a resume shows first. */
  readonly lastOutput: { readonly target: string; readonly text: string } | undefined;
  /** Notes left on the run (`runbook note`), oldest first. */
  readonly notes: readonly Note[];
  /** How the run was stopped, when it was. */
  /** How the run was stopped; `word`: `before` a step that had not begun (a handover, an approval), else `during`. */
  readonly interruption: { readonly signal: string; readonly target: string | null; readonly at: string; readonly word: "before" | "during" } | undefined;
  readonly verification: { readonly recorded: boolean; readonly text: string } | undefined;
  /** `--break-glass`: the reason this run went without approval; shown in red on every screen. */
  readonly breakGlass: string | undefined;
  /** Where the run stands for whoever looks (report/openness.ts). */
  readonly openness: Openness;
  /** What to type next: go on, undo, or (held by someone else) who holds it and how to reach them. */
  readonly commands: Offers;
}

/** Why the latest attempt of a block failed. */
export interface FailureView {
  readonly phase: Phase;
  readonly attempt: number;
  /** `exit 141`, `killed by SIGKILL`, `timed out after 30s`… */
  readonly what: string;
  /** What a well-known exit code or signal usually means. */
  readonly hint: string | undefined;
  readonly durationMs: number;
}

/** An automatic retry being waited for: "attempt 2 of 4 in 3.2s". */
export interface RetryView {
  /** The attempt that will start, counted within this series of automatic retries (from 1). */
  readonly attempt: number;
  /** Attempts the block allows in all (retries + 1), when the plan says. */
  readonly of: number | undefined;
  /** When it starts, in ms since the epoch. */
  readonly at: number;
}

/** A step's time as every summary says it: how long its attempts took, or `manual` when it ran nothing but is done. */
export function rowTime(s: Pick<StepRow, "attempts" | "durationMs" | "word">): string {
  if (s.attempts) return `${formatDuration(s.durationMs)}${s.attempts > 1 ? ` (${s.attempts} attempts)` : ""}`;
  return s.word === "done" ? "manual" : "";
}

export interface StepRow {
  readonly id: string;
  readonly title: string;
  readonly word: StepWord;
  readonly attempts: number;
  readonly durationMs: number;
  /** Set while a block of the step runs. */
  readonly runningSince: string | undefined;
  /** The phase of its latest attempt. */
  readonly phase: Phase | undefined;
  readonly last: AttemptResult | undefined;
  /** Set when its latest attempt failed. */
  readonly failure: FailureView | undefined;
  /** Set while an automatic retry is waited for. */
  readonly retry: RetryView | undefined;
  /** `$NAME=value` of what it captured, secrets as ***. */
  readonly capture: string | undefined;
  /** A step on a group: its hosts done, failed, pending (`hosts: 3 done, 1 failed (app-2), …`). */
  readonly hosts: string | undefined;
}

export interface CheckRow {
  readonly target: string;
  /** `prerequisite 1 (line 30)`. */
  readonly label: string;
  readonly status: "pending" | "running" | "passed" | "failed";
  /** The check's source, when the plan is known. */
  readonly command: string | undefined;
  readonly failure: FailureView | undefined;
  readonly retry: RetryView | undefined;
  /** The end of its output (the journal has all of it). */
  readonly output: string;
}

/** What a block of a plan says about how it runs. */
export interface ViewBlock {
  readonly source: string;
  readonly line: number;
  readonly retries: number;
  readonly timeoutMs: number | undefined;
}

/** What a view needs of a plan: its title and each step's id and title; blocks when known. */
export interface ViewPlan {
  readonly title: string;
  readonly steps: ReadonlyArray<{
    readonly id: string;
    readonly title: string;
    readonly command?: ViewBlock | undefined;
    readonly verify?: ViewBlock | undefined;
    readonly rollback?: ViewBlock | undefined;
    readonly capture?: string | undefined;
  }>;
  readonly checks?: ReadonlyArray<ViewBlock & { readonly target: string }>;
  /** Steps at once (`parallel:`): above 1, output lines say whose they are. */
  readonly parallel?: number;
}

type PlanStepOf = ViewPlan["steps"][number];

const blockOf = (ps: PlanStepOf | undefined, phase: Phase | undefined): ViewBlock | undefined =>
  phase === "command" ? ps?.command : phase === "verify" ? ps?.verify : phase === "rollback" ? ps?.rollback : undefined;

function failureOf(a: Attempt | undefined, block: ViewBlock | undefined): FailureView | undefined {
  // Passed, or cut short (its outcome is unknown: the run's interruption says so): no failure to show.
  if (!a?.result || !failed(a.result)) return undefined;
  const text = describeFailure(a.result, block?.timeoutMs);
  return { phase: a.phase, attempt: a.attempt, what: text.what, hint: text.hint, durationMs: a.result.durationMs };
}

function retryOf(a: Attempt | undefined, block: ViewBlock | undefined, waiting: boolean): RetryView | undefined {
  if (!waiting || !a?.result || a.result.retryInMs === null || a.result.interrupted || a.endedAt === undefined) return undefined;
  return { attempt: a.retry + 2, of: block ? block.retries + 1 : undefined, at: Date.parse(a.endedAt) + a.result.retryInMs };
}

/**
 * `holder`: who holds the run now; `"me"` for the screen and the plain view of the run being run, a
 * lock's or lease's holder for `log`, undefined when nobody does. (No default: undefined means nobody.)
 */
export function toView(journaled: RunState, plan: ViewPlan, holder: Holder | "me" | undefined): RunView {
  const planSteps = new Map(plan.steps.map((s) => [s.id, s]));
  const started = journaled.started;
  const open = openness(journaled, holder);
  // A run nobody holds is seen as it was left: what its dead runner was running is interrupted.
  const state = asSeen(journaled, open);
  // A live run is going on: its retry countdowns are real.
  const going = isLive(open);
  const rows = stepList(state).map((s): StepRow => {
    const ps = planSteps.get(s.id);
    const a = s.attempt;
    const running = s.status === "running" && a !== undefined && a.result === undefined;
    const cap = s.status === "done" ? a?.capture : undefined;
    const block = blockOf(ps, a?.phase);
    // A rollback block that failed says more than the failure it was undoing.
    const undo = state.rollback?.attempts.get(s.id);
    const undoFailed = failureOf(undo, ps?.rollback);
    return {
      id: s.id,
      title: ps?.title ?? s.id,
      word: stepWord(s),
      attempts: s.attempts,
      durationMs: s.durationMs,
      runningSince: running ? a?.startedAt : s.status === "running" ? hostsRunningSince(s) : undefined,
      phase: a?.phase,
      last: a?.result,
      failure: undoFailed ?? failureOf(a, block),
      retry: retryOf(a, block, going && s.status === "running") ?? retryOf(undo, ps?.rollback, going && !state.rollback?.results.has(s.id)),
      capture: cap ? captureText(cap) : undefined,
      hosts: hostsOf(state, s.id),
    };
  });
  const word = runWord(state, going);
  const ended = state.ended !== undefined;
  const v = state.verification;
  return {
    runId: started.runId,
    title: plan.title,
    word,
    ended,
    note: state.ended?.note,
    startedAt: started.ts,
    lastAt: state.lastEvent.ts,
    totalMs: Math.max(0, Date.parse(state.lastEvent.ts) - Date.parse(started.ts)),
    sessions: state.sessions,
    rows,
    checks: checkRows(state, plan, going),
    current: ended ? undefined : currentStep(state)?.id,
    values: displayValues(state, plan),
    lastOutput: lastOutput(state),
    notes: state.notes,
    interruption: state.interrupted ? { signal: state.interrupted.signal, target: state.interrupted.target, at: state.interrupted.ts, word: state.interrupted.target ? interruptedWord(state, state.interrupted.target) : "during" } : undefined,
    breakGlass: started.breakGlass?.reason,
    verification: v === undefined ? undefined : v.type === "verification_recorded" ? { recorded: true, text: `verification recorded: last_verified ${v.date} by ${v.by}${v.commit ? ` (committed ${v.commit.slice(0, 8)})` : ""}` } : { recorded: false, text: `no verification recorded: ${v.reason}` },
    openness: open,
    commands: offers(state, open),
  };
}

function checkRows(state: RunState, plan: ViewPlan, going: boolean): CheckRow[] {
  const blocks = new Map((plan.checks ?? []).map((c) => [c.target, c]));
  return [...state.checks.values()].map((c) => {
    const block = blocks.get(c.target);
    return {
      target: c.target,
      label: `prerequisite ${c.target.replace(/^@prerequisite\//, "")}${block ? ` (line ${block.line})` : ""}`,
      status: c.status,
      command: block?.source,
      failure: failureOf(c.attempt, block),
      retry: retryOf(c.attempt, block, going && c.status === "running"),
      output: state.tails.get(c.target) ?? "",
    };
  });
}

/** Params as journaled (secrets are *** there already) and captured values; captures still to come are unset. */
function displayValues(state: RunState, plan: ViewPlan): DisplayValues {
  const out = new Map<string, DisplayValue>();
  const secret = new Set(state.started.secrets);
  for (const [name, value] of Object.entries(state.started.params)) out.set(name, { value, secret: secret.has(name) });
  for (const s of plan.steps) if (s.capture && !out.has(s.capture)) out.set(s.capture, { value: undefined, secret: false });
  for (const [name, c] of state.captures) out.set(name, { value: c.value ?? undefined, secret: c.secret });
  return out;
}

/** The latest attempt of a block of `target` in `phase`, as the state keeps it (a step's, a prerequisite's, a rollback's). */
export function attemptOf(state: RunState, target: string, phase: Phase): Attempt | undefined {
  const a = phase === "check" ? state.checks.get(target)?.attempt : phase === "rollback" && state.rollback?.attempts.has(target) ? state.rollback.attempts.get(target) : state.steps.get(target)?.attempt;
  return a?.phase === phase ? a : undefined;
}

/** The block that started last, and the end of its output. */
function lastOutput(state: RunState): RunView["lastOutput"] {
  let best: { target: string; at: string } | undefined;
  const consider = (target: string, a: Attempt | undefined) => {
    if (a && (!best || a.startedAt >= best.at) && state.tails.has(target)) best = { target, at: a.startedAt };
  };
  for (const s of state.steps.values()) consider(s.id, s.attempt);
  for (const c of state.checks.values()) consider(c.target, c.attempt);
  for (const [t, a] of state.rollback?.attempts ?? []) consider(t, a);
  return best ? { target: best.target, text: state.tails.get(best.target) ?? "" } : undefined;
}

/** `12:04 UTC` today, else `2026-11-28 12:04 UTC`; and how long ago. */
export function whenText(iso: string, now: number, ago = true): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const d = new Date(at).toISOString();
  const sameDay = d.slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  const since = now - at;
  return `${sameDay ? "" : `${d.slice(0, 10)} `}${d.slice(11, 16)} UTC${ago && since >= 60_000 ? ` (${formatDuration(since)} ago)` : ""}`;
}

/**
 * What a person taking a run over reads first: who started it, when and where, who took it over since,
 * how it stopped, and what was answered so far. The same lines in the terminal UI and the plain view.
 */
export function storyLines(view: RunView, answers: ReadonlyArray<EventOf<"answer">>, now: number): string[] {
  const [first, ...later] = view.sessions;
  const lines: string[] = [];
  if (first) lines.push(`Started by ${first.operator} on host ${first.host} at ${whenText(first.at, now)}.`);
  for (const s of later) lines.push(`${s.kind === "rollback" ? "Rolled back" : "Resumed"} by ${s.operator} on host ${s.host} at ${whenText(s.at, now)}.`);
  const stop = view.interruption;
  if (stop) lines.push(`Stopped by ${stop.signal}${stop.target ? ` ${stop.word} ${stop.target}` : ""} at ${whenText(stop.at, now, false)}.`);
  // How it ended, when it did (a live or stopped run's word is no ending: "It rolling back." is not a sentence).
  else if (view.ended) lines.push(`It ${view.word}${view.note ? ` (${view.note})` : ""}.`);
  if (answers.length === 0) lines.push("No question was answered before.");
  else {
    const last = answers.slice(-8);
    lines.push(`Answered so far: ${answers.length}${last.length < answers.length ? `, the last ${last.length} below (${view.commands.log} has every one)` : ""}`);
    for (const a of last) lines.push(`  ${a.target}: ${a.question.replace(/_/g, " ")} → ${a.answer} (${a.by}, ${whenText(a.ts, now, false)})`);
  }
  // What the people before left for whoever takes the run over.
  for (const n of view.notes.slice(-3)) lines.push(`Note by ${n.by} at ${whenText(n.at, now, false)}: ${n.text}`);
  return lines;
}

function hostsOf(state: RunState, id: string): string | undefined {
  const t = hostTally(state, id);
  return t ? hostsText(t) : undefined;
}

/** A step on a group: when the earliest of its hosts still running began (its clock ticks while any runs). */
function hostsRunningSince(s: StepState): string | undefined {
  let since: string | undefined;
  for (const h of s.hosts.values()) {
    const at = h.status === "running" && h.attempt?.result === undefined ? h.attempt?.startedAt : undefined;
    if (at !== undefined && (since === undefined || at < since)) since = at;
  }
  return since;
}
