import { JournalError } from "../core/errors.js";
import type { Capture, EventOf, JournalEvent, Phase } from "../journal/events.js";
import { failed, passed } from "../journal/outcome.js";
import { ROLLBACK_WORDS, ROLLING_BACK, RUN_WORDS, type RollbackStatus, type RunStatus, type StepStatus, type StepWord } from "./words.js";

export type { RollbackStatus, RunStatus, StepStatus, StepWord } from "./words.js";

/**
 * A run's state, and the only fold that builds it: `apply(state, event)`. The engine applies each
 * event right after the journal has it; resume, rollback, `runs`, `log`, the plain view and the TUI
 * all read the state this fold gives. Pure: the same events give the same state, whatever reads it.
 *
 * The one vocabulary of step states (docs/journal.md):
 * - `pending`     not started, or to be tried again after a resume
 * - `running`     an attempt of one of its blocks has started and has not ended
 * - `interrupted` the run stopped (a signal, a crash) while it ran: its outcome is unknown
 * - `done`        ran and passed (or the operator did it by hand, or marked it done)
 * - `failed`      failed, and the run stopped or rolled back there
 * - `skipped`     skipped by the operator (before running it, or after it failed)
 * - `assumed`     assumed done by the operator (`--from`, `--only`): never run, never rolled back
 * and, once a rollback has dealt with a step: `rolled back`, `rollback failed`, `not rolled back`.
 */

export interface AttemptResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly error: string | undefined;
  readonly retryInMs: number | null;
  /** Stopped by an interruption of the run: its outcome is unknown. */
  readonly interrupted: boolean;
}

/** The latest attempt of one block (a target's phase). */
export interface Attempt {
  readonly phase: Phase;
  readonly attempt: number;
  /** 0 for a first try, n for the nth automatic retry. */
  readonly retry: number;
  readonly startedAt: string;
  /** The process group, once spawned. */
  readonly pid: number | null;
  readonly startTime: string | null;
  /** Undefined while it runs (or when the run died while it ran). */
  readonly result: AttemptResult | undefined;
  readonly endedAt: string | undefined;
  readonly capture: Capture | undefined;
}


export interface StepState {
  readonly id: string;
  readonly status: StepStatus;
  /** How it finished: by running, by the operator, by an answer at a resume, or by a flag (a manual step `--yes` assumed done). */
  readonly by: "run" | "operator" | "resume" | "flag" | undefined;
  /** The latest attempt of any of its blocks. */
  readonly attempt: Attempt | undefined;
  /** Attempts of its command, over the whole run. */
  readonly attempts: number;
  /** Time spent in its command and verify blocks. */
  readonly durationMs: number;
  /** The latest answer the engine has not acted on yet (dropped at a resume: questions are asked again). */
  readonly answer: { readonly question: string; readonly answer: string; readonly by: string } | undefined;
  /** Who said a manual step was done (a person, or `--yes`), kept while its verify runs. */
  readonly manualBy: string | undefined;
  /** It failed, and the operator skipped it: its change may still be in place. */
  readonly skippedAfterFailure: boolean;
  /** Its rollback block ran when it was skipped after failing. */
  readonly undone: RollbackStatus | undefined;
  /** What the run's rollback did with it. */
  readonly rollback: { readonly status: RollbackStatus; readonly note: string | undefined } | undefined;
  /** A step on a group (`on=`): each host that has started, in the order they started. Empty for a step run here. */
  readonly hosts: ReadonlyMap<string, HostState>;
  /** A step on a group: the stretch of time its hosts' attempts cover so far (epoch ms), so overlapping ones count once. */
  readonly hostSpan?: { readonly start: number; readonly end: number } | undefined;
  /**
   * Interrupted with no start on record: a runner in another state folder had reserved it (`reserved`)
   * and may have begun it after the last push this session read. Who that was (`operator@host`).
   */
  readonly unconfirmed: string | undefined;
}

/**
 * One host of a step on a group. `pending` again after a resume when it failed (it is tried again),
 * `interrupted` when the runner died while its block ran there: its outcome is unknown, and a person
 * says what to do (never run twice silently).
 */
export interface HostState {
  readonly host: string;
  readonly status: "pending" | "running" | "interrupted" | "done" | "failed";
  /** Its latest attempt of the step's command or verify block. */
  readonly attempt: Attempt | undefined;
  /** Attempts of the command on this host, over the whole run. */
  readonly attempts: number;
  /** Its rollback block in the run's rollback, in flight or last run. */
  readonly rollbackAttempt: Attempt | undefined;
  /** What the run's rollback did on this host. */
  readonly rollback: { readonly status: RollbackStatus; readonly note: string | undefined } | undefined;
}

export interface CheckState {
  readonly target: string;
  readonly status: "pending" | "running" | "passed" | "failed";
  readonly attempt: Attempt | undefined;
}

export interface RollbackState {
  readonly reason: string;
  readonly cause: "failure" | "request";
  readonly targets: readonly string[];
  readonly results: ReadonlyMap<string, { readonly status: RollbackStatus; readonly note: string | undefined }>;
  /** A target's rollback block in flight or last run, by target. */
  readonly attempts: ReadonlyMap<string, Attempt>;
  /** An answer about an interrupted rollback block, not acted on yet. */
  readonly answers: ReadonlyMap<string, string>;
  /** The completed irreversible step it stops at: nothing before it is undone. */
  readonly barrier: { readonly target: string; readonly reason: string } | undefined;
  /** What the barrier leaves as it is, newest first. */
  readonly beyond: readonly string[];
}

/** Who went past an irreversible step's barrier, and when: a rollback then undoes what came before it. */
export interface BarrierPassed {
  readonly by: string;
  readonly at: string;
}

/** Who started or took over the run, when and where. */
export interface Session {
  readonly kind: "started" | "resumed" | "rollback";
  readonly operator: string;
  readonly host: string;
  readonly pid: number;
  readonly at: string;
}

export interface RunState {
  readonly started: EventOf<"run_started">;
  readonly status: RunStatus;
  readonly steps: ReadonlyMap<string, StepState>;
  readonly checks: ReadonlyMap<string, CheckState>;
  readonly captures: ReadonlyMap<string, Capture>;
  /** Highest attempt number so far per `target:phase`, so numbering continues across a resume. */
  readonly attemptNumbers: ReadonlyMap<string, number>;
  /**
   * Steps whose blocks have run, most recently touched last: what a rollback undoes, newest first.
   * Steps assumed done join it when they are assumed, so an irreversible one is a barrier in its place.
   */
  readonly touched: readonly string[];
  readonly rollback: RollbackState | undefined;
  /** Irreversible steps a person went past in a rollback, by step id. */
  readonly barriersPassed: ReadonlyMap<string, BarrierPassed>;
  readonly ended: EventOf<"run_finished"> | undefined;
  readonly interrupted: EventOf<"run_interrupted"> | undefined;
  readonly sessions: readonly Session[];
  /** The last few KB of output per target (for failure screens and handoffs; the journal has all of it). */
  readonly tails: ReadonlyMap<string, string>;
  readonly verification: EventOf<"verification_recorded"> | EventOf<"verification_skipped"> | undefined;
  /** Notes left on the run (`runbook note`), oldest first. */
  readonly notes: readonly Note[];
  /** The run's own last event: a note left afterwards is not the run going on. */
  readonly lastEvent: JournalEvent;
  /** The state folder writing the current session (`folder` of its run_started or run_resumed). */
  readonly folder: string | undefined;
  /** Steps the current session reserved (a shared run) and has not started yet; cleared when it stops cleanly. */
  readonly reservation: Reservation | undefined;
  /** The approved plan verified before a step of `approvalAt` (version 8): from then on, those steps may begin. */
  readonly approval: EventOf<"approval_checked"> | undefined;
}

/** Steps a shared run's runner may have begun without their start on the remote yet (`reserved` events). */
export interface Reservation {
  readonly folder: string | undefined;
  /** `operator@host` of the session that reserved them. */
  readonly by: string;
  readonly targets: ReadonlySet<string>;
}

export interface Note {
  readonly at: string;
  readonly by: string;
  readonly text: string;
  /** The note inbox's id, for a note left while the run was live. */
  readonly queued?: string;
}

export const TAIL_CHARS = 4096;

/** Events that do not make a run: no run_started first, or none at all. */
export class JournalStateError extends JournalError {
  override name = "JournalStateError";
}

type Draft = { -readonly [K in keyof RunState]: RunState[K] } & {
  steps: Map<string, StepState>;
  checks: Map<string, CheckState>;
  captures: Map<string, Capture>;
  attemptNumbers: Map<string, number>;
  tails: Map<string, string>;
};

/** A step before anything happened to it. */
export function pendingStep(id: string): StepState {
  return { id, status: "pending", by: undefined, attempt: undefined, attempts: 0, durationMs: 0, answer: undefined, manualBy: undefined, skippedAfterFailure: false, undone: undefined, rollback: undefined, hosts: new Map(), unconfirmed: undefined };
}

/** The key of `attemptNumbers`: attempts are numbered per block, and per host for a step on a group. */
export const attemptKey = (target: string, phase: Phase, host?: string): string => (host === undefined ? `${target}:${phase}` : `${target}:${phase}@${host}`);

/** The state right after `run_started`. */
export function initialState(started: EventOf<"run_started">): RunState {
  const step = (id: string): StepState => pendingStep(id);
  return {
    started,
    status: "running",
    steps: new Map(started.order.map((id) => [id, step(id)])),
    checks: new Map(),
    captures: new Map((started.captures ?? []).map((c) => [c.name, c])),
    attemptNumbers: new Map(),
    touched: [],
    rollback: undefined,
    barriersPassed: new Map(),
    ended: undefined,
    interrupted: undefined,
    sessions: [{ kind: "started", operator: started.operator, host: started.host, pid: started.pid, at: started.ts }],
    tails: new Map(),
    verification: undefined,
    notes: [],
    lastEvent: started,
    folder: started.folder,
    reservation: undefined,
    approval: undefined,
  };
}

function draftOf(s: RunState): Draft {
  return { ...s, steps: new Map(s.steps), checks: new Map(s.checks), captures: new Map(s.captures), attemptNumbers: new Map(s.attemptNumbers), tails: new Map(s.tails) };
}

/** The state after one more event. Pure: `state` is not changed. */
export function apply(state: RunState, event: JournalEvent): RunState {
  if (event.type === "output") {
    // The commonest event by far: copy only what it changes.
    return { ...state, tails: appendTail(new Map(state.tails), event.target, event.text), lastEvent: event };
  }
  const d = draftOf(state);
  step(d, event);
  return d;
}

/** The state a journal's events give. Throws JournalStateError when they do not begin a run. */
export function reduce(events: Iterable<JournalEvent>): RunState {
  const fold = createFold();
  for (const e of events) fold.add(e);
  return fold.result();
}

/**
 * The same fold, fed one event at a time: a journal is read as a stream and never held whole.
 * `result()` throws JournalStateError when no event began a run.
 */
export function createFold(): { add(e: JournalEvent): void; result(): RunState } {
  let d: Draft | undefined;
  return {
    add(e) {
      if (!d) {
        if (e.type !== "run_started") throw new JournalStateError(`the journal begins with ${e.type}, not run_started`);
        d = draftOf(initialState(e));
      } else if (e.type === "output") {
        appendTail(d.tails, e.target, e.text);
        d.lastEvent = e;
      } else step(d, e);
    },
    result() {
      if (!d) throw new JournalStateError("the journal holds no event");
      return d;
    },
  };
}

function appendTail(tails: Map<string, string>, target: string, text: string): Map<string, string> {
  const joined = (tails.get(target) ?? "") + text;
  tails.set(target, joined.length > TAIL_CHARS ? joined.slice(-TAIL_CHARS) : joined);
  return tails;
}

function updateStep(d: Draft, id: string, change: (s: StepState) => Partial<StepState>): void {
  const s = d.steps.get(id);
  if (s) d.steps.set(id, { ...s, ...change(s) });
}

function touch(d: Draft, id: string): void {
  d.touched = [...d.touched.filter((t) => t !== id), id];
}

function resultOf(e: EventOf<"attempt_finished">): AttemptResult {
  return { exitCode: e.exitCode, signal: e.signal, timedOut: e.timedOut, durationMs: e.durationMs, error: e.error, retryInMs: e.retryInMs, interrupted: e.interrupted === true };
}

/** The one switch over event types that builds state. Mutates the draft it is given. */
function step(d: Draft, e: JournalEvent): void {
  if (e.type === "note") {
    d.notes = [...d.notes, { at: e.queued?.at ?? e.ts, by: e.by, text: e.text, ...(e.queued ? { queued: e.queued.id } : {}) }];
    return;
  }
  d.lastEvent = e;
  switch (e.type) {
    case "run_started":
      break;
    case "run_resumed": {
      const open = d.reservation && (e.folder === undefined || e.folder !== d.reservation.folder) ? d.reservation : undefined;
      resumed(d, e);
      if (open) openReservation(d, open);
      d.reservation = undefined;
      d.folder = e.folder;
      break;
    }
    case "reserved": {
      const s = d.sessions.at(-1);
      const targets = new Set(d.reservation?.targets);
      for (const t of e.targets) targets.add(t);
      d.reservation = { folder: d.folder, by: `${s?.operator ?? "?"}@${s?.host ?? "?"}`, targets };
      break;
    }
    case "attempt_started": {
      d.attemptNumbers.set(attemptKey(e.target, e.phase, e.host), e.attempt);
      if (d.reservation?.targets.has(e.target)) {
        const targets = new Set(d.reservation.targets);
        targets.delete(e.target);
        d.reservation = { ...d.reservation, targets };
      }
      if (e.host !== undefined) {
        hostStarted(d, e);
        break;
      }
      d.tails.delete(e.target);
      // The value the command captured is the step's still while its verify block runs.
      const carried = e.phase === "verify" ? d.steps.get(e.target)?.attempt?.capture : undefined;
      const attempt = attemptOf(e, carried);
      if (e.phase === "check") {
        d.checks.set(e.target, { target: e.target, status: "running", attempt });
      } else if (d.rollback && e.phase === "rollback" && d.rollback.targets.includes(e.target)) {
        const answers = new Map(d.rollback.answers);
        answers.delete(e.target);
        d.rollback = { ...d.rollback, attempts: new Map(d.rollback.attempts).set(e.target, attempt), answers };
      } else if (d.steps.has(e.target)) {
        touch(d, e.target);
        updateStep(d, e.target, (s) => ({ status: "running", attempt, answer: undefined, attempts: s.attempts + (e.phase === "command" ? 1 : 0), unconfirmed: undefined }));
      }
      break;
    }
    case "attempt_spawned": {
      if (e.host !== undefined) {
        onHostAttempt(d, e.target, e.host, e.phase, (a) => (a && a.attempt === e.attempt ? { ...a, pid: e.pid, startTime: e.startTime } : a));
        break;
      }
      const spawned = (a: Attempt | undefined): Attempt | undefined => (a && a.attempt === e.attempt && a.phase === e.phase ? { ...a, pid: e.pid, startTime: e.startTime } : a);
      onAttempt(d, e.target, e.phase, spawned);
      break;
    }
    case "attempt_finished": {
      const result = resultOf(e);
      if (e.host !== undefined) {
        onHostAttempt(d, e.target, e.host, e.phase, (a) => (a && a.attempt === e.attempt ? { ...a, result, endedAt: e.ts, capture: e.capture ?? a.capture } : a));
        // Hosts run side by side: the step's time is what their attempts cover together, not their sum.
        if (e.phase === "command" || e.phase === "verify") updateStep(d, e.target, (s) => hostTime(s, Date.parse(e.ts), e.durationMs));
        break;
      }
      const finished = (a: Attempt | undefined): Attempt | undefined => (a && a.attempt === e.attempt && a.phase === e.phase ? { ...a, result, endedAt: e.ts, capture: e.capture ?? a.capture } : a);
      onAttempt(d, e.target, e.phase, finished);
      if (e.phase === "command" || e.phase === "verify") updateStep(d, e.target, (s) => ({ durationMs: s.durationMs + e.durationMs }));
      if (e.phase === "rollback" && !d.rollback) {
        // The step's own rollback, run when the operator skipped it after it failed.
        updateStep(d, e.target, () => ({ undone: passed(result) ? "rolled_back" : "failed" }));
      }
      break;
    }
    case "answer":
      if (e.question !== "barrier" && !(d.rollback && d.rollback.targets.includes(e.target)) && (d.steps.get(e.target)?.hosts.size ?? 0) > 0) hostsAnswered(d, e);
      if (e.question === "barrier") {
        if (e.answer === "past") d.barriersPassed = new Map(d.barriersPassed).set(e.target, { by: e.by, at: e.ts });
      } else if (d.rollback && d.rollback.targets.includes(e.target) && e.question === "interrupted") {
        // About a rollback block that was cut short.
        d.rollback = { ...d.rollback, answers: new Map(d.rollback.answers).set(e.target, e.answer) };
      } else if (d.steps.has(e.target)) {
        updateStep(d, e.target, () => ({
          answer: { question: e.question, answer: e.answer, by: e.by },
          ...(e.question === "failed" && e.answer === "skip" ? { skippedAfterFailure: true } : {}),
          ...(e.question === "undo_before_skip" && e.answer === "no" ? { undone: "none" as const } : {}),
          ...(e.question === "manual" && e.answer === "done" ? { manualBy: e.by } : {}),
        }));
        // A manual step done by hand has changed the world: a rollback must consider it.
        if (e.question === "manual" && e.answer === "done") touch(d, e.target);
      }
      break;
    case "step_finished": {
      if (e.host !== undefined) {
        const h = d.steps.get(e.target)?.hosts.get(e.host);
        if (h && (e.status === "done" || e.status === "failed")) setHost(d, e.target, { ...h, status: e.status });
        break;
      }
      const capture = e.capture ?? (e.status === "done" ? d.steps.get(e.target)?.attempt?.capture : undefined);
      // A step assumed done may carry the value it would have captured, given by the operator.
      if ((e.status === "done" || e.status === "assumed") && capture) d.captures.set(capture.name, capture);
      // Assumed, or marked done with no start on record (a reserved step): it changed the world, as far as a rollback knows.
      if (e.status === "assumed" || (e.status === "done" && !d.touched.includes(e.target))) touch(d, e.target);
      updateStep(d, e.target, () => ({ status: e.status, by: e.by, answer: undefined, unconfirmed: undefined }));
      break;
    }
    case "check_finished": {
      const c = d.checks.get(e.target);
      d.checks.set(e.target, { target: e.target, status: e.status, attempt: c?.attempt });
      break;
    }
    case "rollback_started":
      d.rollback = { reason: e.reason, cause: e.cause ?? "failure", targets: e.targets, results: new Map(), attempts: new Map(), answers: new Map(), barrier: e.barrier, beyond: e.beyond ?? [] };
      break;
    case "rollback_finished":
      if (e.host !== undefined) {
        const h = d.steps.get(e.target)?.hosts.get(e.host);
        if (h) setHost(d, e.target, { ...h, rollback: { status: e.status, note: e.note } });
        // An answer about this host's cut-short undo has been acted on.
        if (d.rollback?.answers.has(e.target)) {
          const answers = new Map(d.rollback.answers);
          answers.delete(e.target);
          d.rollback = { ...d.rollback, answers };
        }
        break;
      }
      if (d.rollback) d.rollback = { ...d.rollback, results: new Map(d.rollback.results).set(e.target, { status: e.status, note: e.note }) };
      updateStep(d, e.target, () => ({ rollback: { status: e.status, note: e.note } }));
      break;
    case "run_interrupted":
      d.status = "interrupted";
      d.interrupted = e;
      // It stopped cleanly, and journaled so: what it reserved and did not start, it did not start.
      d.reservation = undefined;
      // Version 1 recorded an interrupted attempt as a finished one: the interruption names it.
      if (e.v === 1 && e.target) updateStep(d, e.target, (s) => (s.status === "running" && s.attempt?.result ? { attempt: { ...s.attempt, result: { ...s.attempt.result, interrupted: true } } } : {}));
      markStopped(d);
      break;
    case "run_finished":
      d.status = e.status;
      d.ended = e;
      d.reservation = undefined;
      break;
    case "verification_recorded":
    case "verification_skipped":
      d.verification = e;
      break;
    case "output":
      appendTail(d.tails, e.target, e.text);
      break;
    case "notified":
      // Told the team's chat; the run itself is unchanged.
      break;
    case "approval_checked":
      d.approval = e;
      break;
    case "handover_asked":
    case "released":
      // A handover: the `run_interrupted` that follows a release is what stops the run.
      break;
    default: {
      const never: never = e;
      throw new JournalStateError(`unknown event ${(never as { type: string }).type}`);
    }
  }
}

function setHost(d: Draft, target: string, h: HostState): void {
  updateStep(d, target, (s) => ({ hosts: new Map(s.hosts).set(h.host, h) }));
}

/** An attempt as its `attempt_started` begins it; a verify block keeps the value its command captured. */
function attemptOf(e: EventOf<"attempt_started">, capture: Attempt["capture"]): Attempt {
  return { phase: e.phase, attempt: e.attempt, retry: e.retry ?? 0, startedAt: e.ts, pid: null, startTime: null, result: undefined, endedAt: undefined, capture };
}

/** An attempt on one host of a step on a group: the step is running, the host's own state says where. */
function hostStarted(d: Draft, e: EventOf<"attempt_started">): void {
  const host = e.host!;
  const s = d.steps.get(e.target);
  if (!s) return;
  const h: HostState = s.hosts.get(host) ?? { host, status: "pending", attempt: undefined, attempts: 0, rollbackAttempt: undefined, rollback: undefined };
  // The host's captured value stays while its verify block runs.
  const carried = e.phase === "verify" ? h.attempt?.capture : undefined;
  const attempt = attemptOf(e, carried);
  if (e.phase === "rollback" && d.rollback?.targets.includes(e.target)) {
    const answers = new Map(d.rollback.answers);
    answers.delete(e.target);
    d.rollback = { ...d.rollback, answers };
    setHost(d, e.target, { ...h, rollbackAttempt: attempt });
    return;
  }
  if (e.phase === "check" || e.phase === "rollback") return;
  touch(d, e.target);
  setHost(d, e.target, { ...h, status: "running", attempt, attempts: h.attempts + (e.phase === "command" ? 1 : 0) });
  updateStep(d, e.target, (st) => ({ status: "running", answer: undefined, attempts: e.phase === "command" ? Math.max(st.attempts, h.attempts + 1) : st.attempts }));
}

function onHostAttempt(d: Draft, target: string, host: string, phase: Phase, change: (a: Attempt | undefined) => Attempt | undefined): void {
  const h = d.steps.get(target)?.hosts.get(host);
  if (!h) return;
  if (phase === "rollback" && h.rollbackAttempt) setHost(d, target, { ...h, rollbackAttempt: change(h.rollbackAttempt) });
  else if (phase !== "rollback") setHost(d, target, { ...h, attempt: change(h.attempt) });
}

/**
 * An answer about a step on a group applies to its hosts: `rerun` after an interruption runs again
 * only the hosts cut short (`done` is journaled host by host, by `next`); `retry` after a failure
 * tries again only the hosts that failed. Hosts already done are never run again.
 */
function hostsAnswered(d: Draft, e: EventOf<"answer">): void {
  const s = d.steps.get(e.target);
  if (!s) return;
  const change = (from: HostState["status"], to: HostState["status"]) => {
    const hosts = new Map(s.hosts);
    for (const [name, h] of hosts) if (h.status === from) hosts.set(name, { ...h, status: to });
    updateStep(d, e.target, () => ({ hosts }));
  };
  const answer = `${e.question}:${e.answer}`;
  if (answer === "interrupted:rerun") change("interrupted", "pending");
  else if (answer === "failed:retry") change("failed", "pending");
}

function onAttempt(d: Draft, target: string, phase: Phase, change: (a: Attempt | undefined) => Attempt | undefined): void {
  if (phase === "check") {
    const c = d.checks.get(target);
    if (c) d.checks.set(target, { ...c, attempt: change(c.attempt) });
    return;
  }
  if (d.rollback && phase === "rollback" && d.rollback.attempts.has(target)) {
    const a = change(d.rollback.attempts.get(target));
    if (a) d.rollback = { ...d.rollback, attempts: new Map(d.rollback.attempts).set(target, a) };
    return;
  }
  updateStep(d, target, (s) => ({ attempt: change(s.attempt) }));
}

/**
 * Another process took the run over: the one before it is gone. What it was running has an unknown
 * outcome; answers it had not acted on are asked again; a failed step or check is tried again.
 */
function resumed(d: Draft, e: EventOf<"run_resumed">): void {
  d.sessions = [...d.sessions, { kind: e.mode === "rollback" ? "rollback" : "resumed", operator: e.operator, host: e.host, pid: e.pid, at: e.ts }];
  d.status = "running";
  d.ended = undefined;
  d.interrupted = undefined;
  if (d.rollback) d.rollback = { ...d.rollback, answers: new Map() };
  markStopped(d);
  for (const [id, s] of d.steps) {
    const status = s.status === "failed" ? "pending" : s.status;
    // A host that failed is tried again; one done stays done (resume runs only the hosts not done).
    const hosts = s.hosts.size && status === "pending" ? new Map([...s.hosts].map(([n, h]) => [n, h.status === "failed" ? { ...h, status: "pending" as const } : h])) : s.hosts;
    d.steps.set(id, { ...s, status, hosts, answer: undefined, skippedAfterFailure: status === "pending" ? false : s.skippedAfterFailure });
  }
  for (const [id, c] of d.checks) {
    // A check only reads: one that was cut short or failed simply runs again.
    if (c.status === "failed" || c.status === "running") d.checks.set(id, { ...c, status: "pending", attempt: undefined });
  }
}

/**
 * A session in another state folder takes the run over: its journal came from the remote, which
 * may lack what the runner journaled after its last push. Every step that runner reserved and the
 * journal shows no start of may have begun there: interrupted, its outcome unknown, asked about.
 */
function openReservation(d: Draft, r: Reservation): void {
  for (const t of r.targets) {
    const s = d.steps.get(t);
    if (s?.status !== "pending" || s.hosts.size) continue;
    d.steps.set(t, { ...s, status: "interrupted", unconfirmed: r.by });
    // It may have changed something, as a step cut short may: a rollback considers it (its preview names it).
    touch(d, t);
  }
}

/**
 * The state as a session from `folder` would find it once it took the run over (run_resumed), for
 * checks before it journals that: what was in flight is cut short, and what a runner in another
 * folder reserved and did not start is in doubt.
 */
export function asTakenOver(state: RunState, folder: string): RunState {
  const d = draftOf(state);
  markStopped(d);
  const r = state.reservation;
  if (r && r.folder !== folder) openReservation(d, r);
  return d;
}

/**
 * The process that ran the run is gone: a block it had started and not seen end has an unknown
 * outcome. (A step between blocks, or waiting for an answer, keeps what its last attempt says.)
 */
function markStopped(d: Draft): void {
  for (const [id, s] of d.steps) {
    if (s.hosts.size) {
      // A host whose block was in flight is cut short: its outcome is unknown, and so the step's.
      const cut = [...s.hosts.values()].filter((h) => h.status === "running" && (h.attempt?.result === undefined || h.attempt.result.interrupted));
      if (!cut.length) continue;
      const hosts = new Map(s.hosts);
      for (const h of cut) hosts.set(h.host, { ...h, status: "interrupted" });
      d.steps.set(id, { ...s, hosts, status: s.status === "running" ? "interrupted" : s.status });
      continue;
    }
    if (s.status === "running" && (s.attempt?.result === undefined || s.attempt.result.interrupted)) d.steps.set(id, { ...s, status: "interrupted" });
  }
}

/** How a run that no process holds any more looks: what a crash left running is interrupted. */
export function asStopped(state: RunState): RunState {
  if (state.status !== "running") return state;
  const d = draftOf(state);
  d.status = "interrupted";
  markStopped(d);
  return d;
}

/** The steps in run order. */
export function stepList(state: RunState): StepState[] {
  return [...state.steps.values()];
}

/** The step a person should look at: running or interrupted, else the first not finished. */
export function currentStep(state: RunState): StepState | undefined {
  const steps = stepList(state);
  return steps.find((s) => s.status === "running" || s.status === "interrupted") ?? steps.find((s) => s.status === "pending");
}

/** The one word for a step, the same in every view. */
export function stepWord(s: StepState): StepWord {
  // Between blocks or at the failure menu: what its last attempt says (cut short is not failed: the run's interruption follows).
  if (s.status === "running" && s.attempt?.result && failed(s.attempt.result) && s.attempt.phase !== "rollback") return "failed";
  if (s.rollback) return s.rollback.status !== "none" || s.status === "done" || s.status === "failed" ? ROLLBACK_WORDS[s.rollback.status] : s.status;
  return s.status;
}

/**
 * A run whose journal says it is running, seen from outside: `live` when a process holds it,
 * `interrupted` when that process is gone (a crash, a kill -9, a lost machine).
 */
export function runWord(state: RunState, live: boolean): string {
  if (state.status === "running") return live ? (state.rollback ? ROLLING_BACK : RUN_WORDS.running) : RUN_WORDS.interrupted;
  if (state.status === "rolled_back_to") return `${RUN_WORDS.rolled_back_to} ${state.rollback?.barrier?.target ?? "a barrier"}`;
  return RUN_WORDS[state.status];
}

/** The step with an unknown outcome, if any. */
export function interruptedStep(state: RunState): StepState | undefined {
  return stepList(state).find((s) => s.status === "interrupted" || s.status === "running");
}

export interface OpenProcess {
  readonly target: string;
  readonly host: string | undefined;
  readonly phase: Phase;
  readonly attempt: number;
  readonly pid: number | null;
  readonly startTime: string | null;
}

/**
 * Every process group a dead runner may have left running: each block here in flight (several with
 * `parallel:`), and one per host of a step on a group in flight.
 */
export function openProcesses(state: RunState): OpenProcess[] {
  const out: OpenProcess[] = [];
  const open = (target: string, a: Attempt | undefined) => (a && a.result === undefined ? [{ target, host: undefined, phase: a.phase, attempt: a.attempt, pid: a.pid, startTime: a.startTime }] : []);
  for (const s of state.steps.values()) out.push(...open(s.id, s.attempt));
  for (const c of state.checks.values()) out.push(...open(c.target, c.attempt));
  for (const [t, a] of state.rollback?.attempts ?? []) out.push(...open(t, a));
  for (const s of state.steps.values()) {
    for (const h of s.hosts.values()) {
      for (const a of [h.attempt, h.rollbackAttempt]) {
        if (a && a.result === undefined) out.push({ target: s.id, host: h.host, phase: a.phase, attempt: a.attempt, pid: a.pid, startTime: a.startTime });
      }
    }
  }
  return out;
}

/** Each host of a step on a group by its word; undefined for a step run here. Hosts not reached are pending. */
export function hostTally(state: RunState, stepId: string): Record<HostState["status"], string[]> | undefined {
  const s = state.steps.get(stepId);
  const group = state.started.on?.[stepId];
  const all = group !== undefined ? (state.started.targets?.[group] ?? []) : [...(s?.hosts.keys() ?? [])];
  if (!s || (!all.length && !s.hosts.size)) return undefined;
  const out: Record<HostState["status"], string[]> = { pending: [], running: [], interrupted: [], done: [], failed: [] };
  for (const name of new Set([...all, ...s.hosts.keys()])) out[s.hosts.get(name)?.status ?? "pending"].push(name);
  return out;
}

/** `hosts: 3 done, 1 failed (app-2), 1 pending (app-5)`: the hosts a person should look at by name. */
export function hostsText(t: Record<HostState["status"], string[]>): string {
  const named = (hosts: readonly string[]) => (hosts.length <= 6 ? ` (${hosts.join(", ")})` : ` (${hosts.slice(0, 5).join(", ")}, …)`);
  const parts = (["done", "running", "interrupted", "failed", "pending"] as const).filter((k) => t[k].length).map((k) => `${t[k].length} ${k === "interrupted" ? "cut short" : k}${k === "done" ? "" : named(t[k])}`);
  return `hosts: ${parts.join(", ")}`;
}

/**
 * A host's attempt of a step on a group ended at `end` after `ms`: the step's time grows by what the
 * attempt adds to the stretch its hosts cover (hosts run side by side); after a gap (a batch waiting
 * for a confirmation, a resume) a new stretch begins.
 */
function hostTime(s: StepState, end: number, ms: number): Partial<StepState> {
  const start = end - ms;
  const span = s.hostSpan;
  if (!span || start > span.end || Number.isNaN(end)) return { durationMs: s.durationMs + ms, hostSpan: Number.isNaN(end) ? span : { start, end } };
  const added = Math.max(0, end - span.end) + Math.max(0, span.start - start);
  return { durationMs: s.durationMs + added, hostSpan: { start: Math.min(start, span.start), end: Math.max(end, span.end) } };
}

/** How an interruption stands to its target: `before` a step that had not begun (a handover, an approval to wait for), else `during`. */
export function interruptedWord(state: RunState, target: string): "before" | "during" {
  const s = state.steps.get(target);
  return s?.status === "pending" && s.attempt === undefined && !s.hosts.size ? "before" : "during";
}
