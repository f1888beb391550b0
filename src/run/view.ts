import { currentStep, runWord, stepList, stepWord, type AttemptResult, type RunState, type Session, type StepWord } from "./state.js";

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
  readonly sessions: readonly Session[];
  readonly rows: readonly StepRow[];
  readonly checks: ReadonlyArray<{ readonly target: string; readonly status: string }>;
  /** The step to look at now: running, interrupted, or next. */
  readonly current: string | undefined;
  readonly verification: { readonly recorded: boolean; readonly text: string } | undefined;
  /** What to type next, when the run can go on or be undone. */
  readonly commands: { readonly resume?: string; readonly rollback?: string; readonly log: string };
}

export interface StepRow {
  readonly id: string;
  readonly title: string;
  readonly word: StepWord;
  readonly attempts: number;
  readonly durationMs: number;
  /** Set while a block of the step runs. */
  readonly runningSince: string | undefined;
  readonly last: AttemptResult | undefined;
  /** `$NAME=value` of what it captured, secrets as ***. */
  readonly capture: string | undefined;
}

/** What a view needs of a plan: its title and each step's id and title. */
export interface ViewPlan {
  readonly title: string;
  readonly steps: ReadonlyArray<{ readonly id: string; readonly title: string }>;
}

export function toView(state: RunState, plan: ViewPlan, live = true): RunView {
  const titles = new Map(plan.steps.map((s) => [s.id, s.title]));
  const started = state.started;
  const rows = stepList(state).map((s): StepRow => {
    const running = s.status === "running" && s.attempt !== undefined && s.attempt.result === undefined;
    const cap = s.status === "done" ? s.attempt?.capture : undefined;
    return {
      id: s.id,
      title: titles.get(s.id) ?? s.id,
      word: stepWord(s),
      attempts: s.attempts,
      durationMs: s.durationMs,
      runningSince: running ? s.attempt?.startedAt : undefined,
      last: s.attempt?.result,
      capture: cap ? `$${cap.name}=${cap.secret ? "***" : cap.value}` : undefined,
    };
  });
  const word = runWord(state, live);
  const ended = state.ended !== undefined;
  const open = state.status === "running" || state.status === "interrupted" || state.status === "failed" || state.status === "aborted";
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
    checks: [...state.checks.values()].map((c) => ({ target: c.target, status: c.status })),
    current: ended ? undefined : currentStep(state)?.id,
    verification: v === undefined ? undefined : v.type === "verification_recorded" ? { recorded: true, text: `verification recorded: last_verified ${v.date} by ${v.by}${v.commit ? ` (committed ${v.commit.slice(0, 8)})` : ""}` } : { recorded: false, text: `no verification recorded: ${v.reason}` },
    commands: {
      ...(open && !state.rollback ? { resume: `runbook resume ${started.runId}` } : {}),
      ...(open ? { rollback: `runbook rollback ${started.runId}` } : {}),
      log: `runbook log ${started.runId}`,
    },
  };
}
