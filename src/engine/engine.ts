import type { JournalEvent, NewEvent } from "../journal/events.js";
import type { JournalWriter } from "../journal/store.js";
import type { RunState } from "../journal/reduce.js";
import { backoffDelay } from "./backoff.js";
import { SecretMasker } from "./mask.js";
import type { Plan, PlanBlock, PlanStep } from "./plan.js";
import type { BlockResult, ProcessRunner } from "./process-runner.js";

export type ConfirmAnswer = "yes" | "skip" | "abort";
export type ManualAnswer = "done" | "skip" | "abort";
export type FailedAnswer = "retry" | "skip" | "rollback" | "abort";
export type InterruptedAnswer = "rerun" | "skip" | "done";

/** Whoever answers the engine's questions: a person at a terminal, or the flags of a script. */
export interface Operator {
  /** Recorded with each answer: the operator's name, or `--yes` and the like. */
  readonly name: string;
  confirm(step: PlanStep, signal: AbortSignal): Promise<ConfirmAnswer>;
  manual(step: PlanStep, signal: AbortSignal): Promise<ManualAnswer>;
  failed(step: PlanStep, result: BlockResult, signal: AbortSignal): Promise<FailedAnswer>;
  interrupted(step: PlanStep, signal: AbortSignal): Promise<InterruptedAnswer>;
}

export interface Clock {
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  random(): number;
}

export interface EngineContext {
  readonly plan: Plan;
  readonly runId: string;
  readonly journal: JournalWriter;
  readonly runner: ProcessRunner;
  readonly operator: Operator;
  readonly clock: Clock;
  /** Aborted on SIGINT/SIGTERM: the running block is stopped and the run left resumable. */
  readonly signal: AbortSignal;
  /** The environment blocks inherit (the runner's own, less what could hijack the shell). */
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
  /** Names of secret params; their values are masked everywhere. */
  readonly secretParams: ReadonlySet<string>;
  readonly graceMs: number;
  readonly onFailure: "abort" | "rollback" | "ask";
  /** Sees every event after it is on disk. */
  readonly onEvent: (event: JournalEvent) => void;
}

export const EXIT_CODES = { completed: 0, failed: 1, aborted: 3, interrupted: 130 } as const;

class Interrupted extends Error {
  constructor(readonly target: string | null) {
    super("interrupted");
  }
}

/**
 * Walks the plan: prerequisites, then steps in graph order, journaling every event before the
 * next action. Returns the run's exit code. A resumed run passes the state its journal gives.
 */
export class Engine {
  readonly #ctx: EngineContext;
  readonly #captures = new Map<string, { value: string | null; secret: boolean }>();
  readonly #attempts = new Map<string, number>();
  readonly #completed: string[] = [];
  readonly #statuses = new Map<string, string>();
  readonly #rolledBack = new Set<string>();

  constructor(ctx: EngineContext) {
    this.#ctx = ctx;
  }

  /** Takes over what a journal says happened, so nothing completed runs twice. */
  #load(state: RunState): void {
    for (const [k, v] of state.captures) if (!this.#captures.has(k)) this.#captures.set(k, v);
    for (const [k, v] of state.attempts) this.#attempts.set(k, v);
    this.#completed.push(...state.completed);
    for (const [k, v] of state.steps) this.#statuses.set(k, v);
    for (const [k, v] of state.rollbacks) if (v !== "failed") this.#rolledBack.add(k);
  }

  /** Supplies a secret capture that the journal could not keep (resume only). */
  setCapture(name: string, value: string, secret: boolean): void {
    this.#captures.set(name, { value, secret });
  }

  #emit(event: NewEvent, durable = true): void {
    const full = this.#ctx.journal.append(event, durable);
    this.#ctx.onEvent(full);
  }

  /** Runs what is left of the run. */
  async run(state?: RunState): Promise<number> {
    if (state) this.#load(state);
    try {
      return await this.#run(state);
    } catch (e) {
      if (e instanceof Interrupted) {
        this.#emit({ type: "run_interrupted", signal: signalName(this.#ctx.signal), target: e.target });
        return EXIT_CODES.interrupted;
      }
      throw e;
    }
  }

  async #run(state?: RunState): Promise<number> {
    const { plan } = this.#ctx;
    const checksPassed = state !== undefined && plan.checks.every((c) => state.checks.get(c.target) === "passed");
    if (!checksPassed) {
      for (const check of plan.checks) {
        const { ok } = await this.#runBlock(check, undefined);
        this.#emit({ type: "check_finished", target: check.target, status: ok ? "passed" : "failed" });
        if (!ok) return this.#finish("failed", EXIT_CODES.failed, `prerequisite ${check.target} (line ${check.line}) failed; no step ran`);
      }
    }

    for (const step of plan.steps) {
      const status = this.#statuses.get(step.id);
      if (status === "done" || status === "skipped") continue;
      if (status === "interrupted") {
        const answer = await this.#ask(() => this.#ctx.operator.interrupted(step, this.#ctx.signal), step.id);
        this.#emit({ type: "answer", target: step.id, question: "interrupted", answer, by: this.#ctx.operator.name });
        if (answer === "skip" || answer === "done") {
          this.#finishStep(step, answer === "done" ? "done" : "skipped", "resume");
          continue;
        }
      }
      const outcome = await this.#runStep(step);
      if (outcome === "continue") continue;
      if (outcome === "abort") return this.#finish("aborted", EXIT_CODES.aborted, `aborted by ${this.#ctx.operator.name} at ${step.id}`);
      if (outcome === "failed") return this.#finish("failed", EXIT_CODES.failed, `step ${step.id} failed`);
      return this.#rollback(`step ${step.id} failed`, step.id);
    }
    return this.#finish("completed", EXIT_CODES.completed);
  }

  /** One step from the top: ask, run, verify, and on failure ask again. */
  async #runStep(step: PlanStep): Promise<"continue" | "abort" | "rollback" | "failed"> {
    const { operator, signal } = this.#ctx;
    if (step.manual) {
      const answer = await this.#ask(() => operator.manual(step, signal), step.id);
      this.#emit({ type: "answer", target: step.id, question: "manual", answer, by: operator.name });
      if (answer === "abort") return "abort";
      this.#finishStep(step, answer === "done" ? "done" : "skipped", "operator");
      return "continue";
    }
    if (step.confirm) {
      const answer = await this.#ask(() => operator.confirm(step, signal), step.id);
      this.#emit({ type: "answer", target: step.id, question: "confirm", answer, by: operator.name });
      if (answer === "abort") return "abort";
      if (answer === "skip") {
        this.#finishStep(step, "skipped", "operator");
        return "continue";
      }
    }
    for (;;) {
      const command = step.command!;
      const wantsCapture = step.capture !== undefined;
      const run = await this.#runBlock(command, step, wantsCapture);
      let ok = run.ok;
      let last = run.result;
      if (ok && step.verify) {
        const verified = await this.#runBlock(step.verify, step);
        ok = verified.ok;
        last = verified.result;
      }
      if (ok) {
        this.#finishStep(step, "done", "run", wantsCapture ? run.result.stdout : undefined);
        return "continue";
      }
      const answer = this.#ctx.onFailure === "ask" ? await this.#ask(() => operator.failed(step, last, signal), step.id) : this.#ctx.onFailure;
      this.#emit({ type: "answer", target: step.id, question: "failed", answer, by: this.#ctx.onFailure === "ask" ? operator.name : `--on-failure ${this.#ctx.onFailure}` });
      if (answer === "retry") continue;
      if (answer === "skip") {
        this.#finishStep(step, "skipped", "operator");
        return "continue";
      }
      this.#finishStep(step, "failed", "run");
      return answer === "rollback" ? "rollback" : "failed";
    }
  }

  #finishStep(step: PlanStep, status: "done" | "failed" | "skipped", by: "run" | "operator" | "resume", stdout?: string): void {
    let capture: { name: string; value: string | null; secret: boolean } | undefined;
    if (status === "done" && step.capture !== undefined && stdout !== undefined) {
      const value = stdout.replace(/\r?\n$/, "");
      const secret = step.reads.some((n) => this.#ctx.secretParams.has(n) || this.#captures.get(n)?.secret === true);
      this.#captures.set(step.capture, { value, secret });
      capture = { name: step.capture, value: secret ? null : value, secret };
    }
    this.#emit({ type: "step_finished", target: step.id, status, by, ...(capture ? { capture } : {}) });
    this.#statuses.set(step.id, status);
    if (status === "done") this.#completed.push(step.id);
  }

  #finish(status: "completed" | "failed" | "aborted" | "rolled_back" | "rollback_failed", exitCode: number, note?: string): number {
    this.#emit({ type: "run_finished", status, exitCode, ...(note ? { note } : {}) });
    return exitCode;
  }

  /**
   * Rolls back: the failed step's own rollback, then completed steps' in reverse order of
   * completion, then the runbook's ## Rollback blocks. A failing rollback is recorded and the
   * rest still run.
   */
  async #rollback(reason: string, failedStep: string | undefined, successCode: number = EXIT_CODES.failed): Promise<number> {
    const { plan } = this.#ctx;
    const byId = new Map(plan.steps.map((s) => [s.id, s]));
    const order = [...(failedStep ? [failedStep] : []), ...[...this.#completed].reverse()].filter((id, i, all) => all.indexOf(id) === i && !this.#rolledBack.has(id));
    const runbookLevel = plan.rollback.filter((b) => !this.#rolledBack.has(b.target));
    this.#emit({ type: "rollback_started", reason, targets: [...order, ...runbookLevel.map((b) => b.target)] });
    let failures = 0;
    for (const id of order) {
      const step = byId.get(id);
      if (!step?.rollback) {
        const note = step?.irreversible !== undefined ? `irreversible: ${step.irreversible}` : step?.manual ? "manual step: undo it by hand if needed" : "no rollback block";
        this.#emit({ type: "rollback_finished", target: id, status: "none", note });
        continue;
      }
      const { ok } = await this.#runBlock(step.rollback, step);
      this.#emit({ type: "rollback_finished", target: id, status: ok ? "rolled_back" : "failed" });
      if (!ok) failures++;
      this.#rolledBack.add(id);
    }
    for (const block of runbookLevel) {
      const { ok } = await this.#runBlock(block, undefined);
      this.#emit({ type: "rollback_finished", target: block.target, status: ok ? "rolled_back" : "failed" });
      if (!ok) failures++;
    }
    return failures
      ? this.#finish("rollback_failed", EXIT_CODES.failed, `${failures} rollback block${failures === 1 ? "" : "s"} failed; check the system by hand`)
      : this.#finish("rolled_back", successCode, reason);
  }

  /** Rolls back a run from its journal (`runbook rollback`). */
  async rollbackOnly(state: RunState, reason: string): Promise<number> {
    this.#load(state);
    const failed = [...state.steps].find(([, s]) => s === "failed" || s === "interrupted")?.[0];
    try {
      // Asked for explicitly, a clean rollback is a success.
      return await this.#rollback(reason, failed, EXIT_CODES.completed);
    } catch (e) {
      if (e instanceof Interrupted) {
        this.#emit({ type: "run_interrupted", signal: signalName(this.#ctx.signal), target: e.target });
        return EXIT_CODES.interrupted;
      }
      throw e;
    }
  }

  /** Runs one block with its retries. Every attempt is journaled; output is masked. */
  async #runBlock(block: PlanBlock, step: PlanStep | undefined, captureStdout = false): Promise<{ ok: boolean; result: BlockResult }> {
    const key = `${block.target}:${block.phase}`;
    for (let tried = 0; ; tried++) {
      if (this.#ctx.signal.aborted) throw new Interrupted(block.target);
      const attempt = (this.#attempts.get(key) ?? 0) + 1;
      this.#attempts.set(key, attempt);
      this.#emit({ type: "attempt_started", target: block.target, phase: block.phase, attempt });
      const result = await this.#spawn(block, step, attempt, captureStdout);
      const ok = result.exitCode === 0 && !result.timedOut && !result.interrupted;
      const retryInMs = !ok && !result.interrupted && tried < block.retries ? backoffDelay(block.backoffMs, tried + 1, this.#ctx.clock.random()) : null;
      this.#emit({
        type: "attempt_finished",
        target: block.target,
        phase: block.phase,
        attempt,
        exitCode: result.exitCode,
        signal: result.signal,
        timedOut: result.timedOut,
        durationMs: Math.round(result.durationMs),
        retryInMs,
        ...(result.error ? { error: result.error } : {}),
      });
      if (result.interrupted) throw new Interrupted(block.target);
      if (ok || retryInMs === null) return { ok, result };
      await this.#ctx.clock.sleep(retryInMs, this.#ctx.signal).catch(() => undefined);
    }
  }

  async #spawn(block: PlanBlock, step: PlanStep | undefined, attempt: number, captureStdout: boolean): Promise<BlockResult> {
    const masker = new SecretMasker(this.#secretValues());
    const local = new AbortController();
    const onAbort = () => local.abort(this.#ctx.signal.reason);
    this.#ctx.signal.addEventListener("abort", onAbort, { once: true });
    let journalError: unknown;
    let lastStream: "stdout" | "stderr" = "stdout";
    const write = (stream: "stdout" | "stderr", text: string) => {
      if (!text || journalError) return;
      try {
        this.#emit({ type: "output", target: block.target, phase: block.phase, stream, text }, false);
      } catch (e) {
        // The journal cannot keep up: stop the block rather than run on unrecorded.
        journalError = e;
        local.abort();
      }
    };
    try {
      const result = await this.#ctx.runner({
        source: block.source,
        shell: this.#ctx.plan.shell,
        cwd: block.cwd,
        env: this.#env(block, step, attempt),
        timeoutMs: block.timeoutMs,
        graceMs: this.#ctx.graceMs,
        captureStdout,
        signal: local.signal,
        onSpawn: (pid, startTime) => {
          if (pid !== undefined) this.#emit({ type: "attempt_spawned", target: block.target, phase: block.phase, attempt, pid, startTime: startTime ?? null });
        },
        onOutput: (stream, text) => {
          lastStream = stream;
          write(stream, masker.push(text));
        },
      });
      write(lastStream, masker.flush());
      if (journalError) throw journalError;
      return result;
    } finally {
      this.#ctx.signal.removeEventListener("abort", onAbort);
    }
  }

  #secretValues(): string[] {
    const values: string[] = [];
    for (const name of this.#ctx.secretParams) {
      const v = this.#ctx.params[name];
      if (v) values.push(v);
    }
    for (const c of this.#captures.values()) if (c.secret && c.value) values.push(c.value);
    return values;
  }

  #env(block: PlanBlock, step: PlanStep | undefined, attempt: number): Record<string, string> {
    const env: Record<string, string> = { ...this.#ctx.baseEnv, ...this.#ctx.params };
    for (const [name, c] of this.#captures) if (c.value !== null) env[name] = c.value;
    env.RUNBOOK_RUN_ID = this.#ctx.runId;
    env.RUNBOOK_STEP_ID = step?.id ?? block.target;
    env.RUNBOOK_ATTEMPT = String(attempt);
    env.RUNBOOK_FILE = this.#ctx.plan.file;
    env.RUNBOOK_DIR = this.#ctx.plan.dir;
    return env;
  }

  async #ask<T>(question: () => Promise<T>, target: string): Promise<T> {
    if (this.#ctx.signal.aborted) throw new Interrupted(target);
    try {
      return await question();
    } catch (e) {
      if (this.#ctx.signal.aborted) throw new Interrupted(target);
      throw e;
    }
  }
}

function signalName(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return typeof r === "string" ? r : "SIGINT";
}

