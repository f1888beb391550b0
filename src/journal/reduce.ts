import type { EventOf, JournalEvent } from "./events.js";

export type StepStatus = "pending" | "done" | "failed" | "skipped" | "interrupted";
export type RollbackStatus = "rolled_back" | "failed" | "none";

export interface OpenAttempt {
  readonly target: string;
  readonly phase: string;
  readonly attempt: number;
  readonly pid: number | null;
  readonly startTime: string | null;
}

/** A run as its journal tells it. Pure: the same events give the same state. */
export interface RunState {
  readonly started: EventOf<"run_started">;
  readonly steps: ReadonlyMap<string, StepStatus>;
  /** Steps that finished `done`, in the order they finished. */
  readonly completed: readonly string[];
  readonly checks: ReadonlyMap<string, "passed" | "failed">;
  readonly captures: ReadonlyMap<string, { value: string | null; secret: boolean }>;
  /** An attempt that started and has no recorded end: its outcome is unknown. */
  readonly openAttempt: OpenAttempt | undefined;
  readonly rollbacks: ReadonlyMap<string, RollbackStatus>;
  /** Highest attempt number so far per `target:phase`, so numbering continues across a resume. */
  readonly attempts: ReadonlyMap<string, number>;
  readonly rollbackStarted: boolean;
  readonly finished: EventOf<"run_finished"> | undefined;
  readonly lastEvent: JournalEvent;
  readonly verification: EventOf<"verification_recorded"> | undefined;
}

export class JournalStateError extends Error {
  override name = "JournalStateError";
}

export function reduceRun(events: readonly JournalEvent[]): RunState {
  const first = events[0];
  if (!first || first.type !== "run_started") throw new JournalStateError("journal does not begin with run_started");
  const steps = new Map<string, StepStatus>(first.order.map((id) => [id, "pending"]));
  const completed: string[] = [];
  const checks = new Map<string, "passed" | "failed">();
  const captures = new Map<string, { value: string | null; secret: boolean }>();
  const rollbacks = new Map<string, RollbackStatus>();
  const attempts = new Map<string, number>();
  let openAttempt: OpenAttempt | undefined;
  let rollbackStarted = false;
  let finished: EventOf<"run_finished"> | undefined;
  let verification: EventOf<"verification_recorded"> | undefined;

  for (const e of events) {
    switch (e.type) {
      case "attempt_started":
        openAttempt = { target: e.target, phase: e.phase, attempt: e.attempt, pid: null, startTime: null };
        attempts.set(`${e.target}:${e.phase}`, e.attempt);
        if (steps.has(e.target) && e.phase !== "rollback") steps.set(e.target, "interrupted");
        break;
      case "attempt_spawned":
        openAttempt = { target: e.target, phase: e.phase, attempt: e.attempt, pid: e.pid, startTime: e.startTime };
        break;
      case "attempt_finished":
        openAttempt = undefined;
        break;
      case "step_finished":
        steps.set(e.target, e.status);
        if (e.status === "done") completed.push(e.target);
        if (e.capture) captures.set(e.capture.name, { value: e.capture.value, secret: e.capture.secret });
        break;
      case "check_finished":
        checks.set(e.target, e.status);
        break;
      case "rollback_started":
        rollbackStarted = true;
        break;
      case "rollback_finished":
        rollbacks.set(e.target, e.status);
        break;
      case "run_resumed":
        finished = undefined;
        break;
      case "run_finished":
        finished = e;
        break;
      case "verification_recorded":
        verification = e;
        break;
      default:
        break;
    }
  }
  return { started: first, steps, completed, checks, captures, openAttempt, rollbacks, attempts, rollbackStarted, finished, lastEvent: events[events.length - 1] ?? first, verification };
}

/** The step whose outcome is unknown (started, never finished), if any. */
export function interruptedStep(state: RunState): string | undefined {
  for (const [id, status] of state.steps) if (status === "interrupted") return id;
  return undefined;
}
