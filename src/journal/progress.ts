import type { JournalEvent } from "./events.js";

export type StepDisplayStatus = "pending" | "running" | "done" | "failed" | "skipped" | "rolled back" | "rollback failed" | "interrupted" | "blocked";

export interface StepProgress {
  readonly id: string;
  readonly status: StepDisplayStatus;
  readonly durationMs: number;
  readonly attempts: number;
  readonly lastExitCode: number | null | undefined;
  readonly timedOut: boolean;
  readonly runningSince: string | undefined;
}

export interface Progress {
  readonly runId: string | undefined;
  readonly steps: readonly StepProgress[];
  readonly checks: ReadonlyMap<string, "passed" | "failed" | "running">;
  readonly current: string | undefined;
  readonly finished: Extract<JournalEvent, { type: "run_finished" }> | undefined;
  readonly interrupted: boolean;
  readonly startedAt: string | undefined;
  readonly lastTs: string | undefined;
  /** `run --record`: what became of the drill's verification. */
  readonly verification: { readonly recorded: boolean; readonly text: string } | undefined;
}

interface Mutable {
  status: StepDisplayStatus;
  durationMs: number;
  attempts: number;
  lastExitCode: number | null | undefined;
  timedOut: boolean;
  runningSince: string | undefined;
}

/** Folds events into what a screen shows: each step's status, time and attempts. Pure. */
export function progressOf(events: readonly JournalEvent[]): Progress {
  const steps = new Map<string, Mutable>();
  const checks = new Map<string, "passed" | "failed" | "running">();
  let runId: string | undefined;
  let current: string | undefined;
  let finished: Progress["finished"];
  let interrupted = false;
  let startedAt: string | undefined;
  let failedAt: string | undefined;
  let verification: Progress["verification"];
  const get = (id: string) => steps.get(id);
  for (const e of events) {
    switch (e.type) {
      case "run_started":
        runId = e.runId;
        startedAt = e.ts;
        for (const id of e.order) steps.set(id, { status: "pending", durationMs: 0, attempts: 0, lastExitCode: undefined, timedOut: false, runningSince: undefined });
        break;
      case "run_resumed":
        finished = undefined;
        interrupted = false;
        break;
      case "attempt_started": {
        current = e.target;
        const s = get(e.target);
        if (s && e.phase !== "rollback") {
          s.status = "running";
          if (e.phase === "command") s.attempts++;
          s.runningSince = e.ts;
        } else if (!s) checks.set(e.target, "running");
        break;
      }
      case "attempt_finished": {
        const s = get(e.target);
        if (s) {
          if (e.phase !== "rollback") s.durationMs += e.durationMs;
          s.lastExitCode = e.exitCode;
          s.timedOut = e.timedOut;
          s.runningSince = undefined;
        }
        break;
      }
      case "check_finished":
        checks.set(e.target, e.status);
        break;
      case "step_finished": {
        const s = get(e.target);
        if (s) s.status = e.status;
        if (e.status === "failed") failedAt = e.target;
        current = undefined;
        break;
      }
      case "rollback_finished": {
        const s = get(e.target);
        if (s && e.status !== "none") s.status = e.status === "rolled_back" ? "rolled back" : "rollback failed";
        break;
      }
      case "run_interrupted": {
        interrupted = true;
        const s = e.target ? get(e.target) : undefined;
        if (s) s.status = "interrupted";
        break;
      }
      case "run_finished":
        finished = e;
        current = undefined;
        break;
      case "verification_recorded":
        verification = { recorded: true, text: `verification recorded: last_verified ${e.date} by ${e.by}${e.commit ? ` (committed ${e.commit.slice(0, 8)})` : ""}` };
        break;
      case "verification_skipped":
        verification = { recorded: false, text: `no verification recorded: ${e.reason}` };
        break;
      default:
        break;
    }
  }
  // Steps that will not run because the run stopped before them.
  if ((finished && finished.status !== "completed") || failedAt) {
    if (finished) for (const s of steps.values()) if (s.status === "pending") s.status = "blocked";
  }
  return {
    runId,
    steps: [...steps].map(([id, s]) => ({ id, ...s })),
    checks,
    current,
    finished,
    interrupted,
    startedAt,
    lastTs: events[events.length - 1]?.ts,
    verification,
  };
}
