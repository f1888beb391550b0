import { EXIT, RunRefusedError } from "../core/errors.js";
import { backoffDelay } from "./backoff.js";
import { SecretMasker } from "./mask.js";
import { DEFAULT_OUTPUT_LIMIT } from "../model/output-size.js";
import { OutputLimit } from "./output-limit.js";
import type { Plan, PlanStep } from "./plan.js";
import type { BlockResult, ProcessRunner } from "../system/process-runner.js";
import { blockTag } from "../system/proc.js";
import { controlDir, remoteScript, sshArgs } from "../system/ssh.js";
import type { HostRun } from "./fanout.js";
import type { ApprovalRecord, Capture, NewEvent } from "../journal/events.js";
import { failed, passed } from "../journal/outcome.js";
import { NobodyToAskError, type Ask, type Operator } from "./ask.js";
import { awaitsApproval, next, type Action } from "./next.js";
import type { RunJournal } from "./run-journal.js";
import { currentStep, stepList } from "./state.js";
import { Reservations } from "./reservations.js";
import type { Handover, HandoverGrant } from "./handover.js";

import type { Clock } from "../journal/ports.js";
export type { Clock };

export interface EngineDeps {
  readonly plan: Plan;
  readonly runId: string;
  /** The session's journal: the engine appends, and reads the state from it. */
  readonly journal: RunJournal;
  readonly runner: ProcessRunner;
  readonly operator: Operator & { by(q: Ask): string };
  readonly clock: Clock;
  /** Aborted on SIGINT, SIGTERM, SIGHUP or a second Ctrl-C: the running block is stopped, the run left resumable. */
  readonly signal: AbortSignal;
  /** What blocks inherit (the runner's environment, less what could hijack the shell). */
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
  readonly secretParams: ReadonlySet<string>;
  /** Values of secret captures: never journaled, so given again at a resume; new ones are added here. */
  readonly secretCaptures: Map<string, string>;
  readonly graceMs: number;
  /** Bytes of output journaled per attempt (its head and its tail); 16 MiB when not given. */
  readonly outputLimit?: number | undefined;
  /**
   * Asked between a block's attempt_started and its start (a shared run's lease): waits while the
   * run may not go on, throws when it never may; a note it returns (going on offline) is journaled.
   */
  readonly gate?: ((signal: AbortSignal, o?: { readonly published?: boolean | number }) => Promise<string | undefined>) | undefined;
  /**
   * A shared run's lease: kicks a push of the journal as it is and returns its length, for the gate to
   * wait on later. With it, the engine reserves plain steps ahead (run/reservations.ts) instead of
   * waiting for each block's own start to be pushed.
   */
  readonly mark?: (() => number) | undefined;
  /** Asked before the run's end is journaled (a shared run's lease): throws when the lock was lost. */
  readonly settle?: (() => Promise<void>) | undefined;
  /** A shared run handed over by its holder (run/handover.ts): the run stops at the next step boundary. */
  readonly handover?: Handover | undefined;
  /**
   * Before the first step of `run_started.approvalAt` (docs/approvals.md): a verified approved plan
   * for this run (waiting for one when allowed), undefined when interrupted while waiting; throws
   * when there is none. Without it, such a step is never begun.
   */
  readonly approveAt?: ((step: string, signal: AbortSignal) => Promise<ApprovalRecord | undefined>) | undefined;
}

/**
 * Walks the plan until the run ends or is interrupted, and returns its exit code. Each turn asks
 * `next` what to do from the journal's state, does it, and journals what happened: nothing else
 * keeps state, so a resumed run is driven exactly like a new one.
 */
export async function drive(deps: EngineDeps): Promise<number> {
  const d: Driven = { ...deps, reservations: deps.mark && deps.gate ? new Reservations(deps.plan, deps.journal, deps.mark, () => deps.clock.now()) : undefined, hostSecrets: new Map() };
  // Blocks in flight: a step's here (by its id) with `parallel:`, or on one host of a step on a group (`id@host`).
  const inFlight = new Map<string, Promise<BlockResult>>();
  const settle = async () => {
    // Every one of them ends (is journaled), whatever another one threw.
    await Promise.allSettled(inFlight.values());
  };
  try {
    return await walk(d, inFlight, settle);
  } finally {
    // Whatever ended the walk (an error, an interruption), no block is left running unrecorded.
    await settle();
  }
}

/**
 * The engine's deps and what it keeps while it drives: the steps reserved ahead, and secret values
 * captured on hosts, by `step\0host`, for this session only (never journaled).
 */
type Driven = EngineDeps & { readonly reservations: Reservations | undefined; readonly hostSecrets: Map<string, string> };

async function walk(d: Driven, inFlight: Map<string, Promise<BlockResult>>, settle: () => Promise<void>): Promise<number> {
  // Steps at once (`parallel:`): a block starts and the walk goes on; questions come while blocks run.
  const steps = d.plan.parallel > 1;
  const track = (key: string, p: Promise<BlockResult>) => {
    const tracked = p.finally(() => inFlight.delete(key));
    // Seen by the race or the settle that waits for it; never an unhandled rejection meanwhile.
    tracked.catch(() => undefined);
    inFlight.set(key, tracked);
  };
  const race = async (what: string) => {
    if (!inFlight.size) throw new Error(`nothing to run or wait for (${what})`);
    await Promise.race(inFlight.values());
  };
  for (;;) {
    if (d.signal.aborted) {
      await settle();
      return interrupt(d, currentStep(d.journal.state)?.id ?? null);
    }
    const action = next(d.journal.state, d.plan);
    // Steps at once, not prerequisite checks nor a rollback: those go one block at a time, as `next` has them.
    const atOnce = steps && !d.journal.state.rollback && !(action.kind === "run" && action.block.phase === "check");
    // One step at a time, only the ends of hosts and more hosts go on beside blocks in flight; a
    // question, a block here or the run's end waits for them, and is decided again from what they left.
    if (inFlight.size && (atOnce ? action.kind === "end" : action.kind !== "hosts" && action.kind !== "record")) {
      await settle();
      continue;
    }
    const handedOver = d.handover?.granted();
    // A step boundary: a question on screen, or no step half done (its command ran, its verify not yet).
    if (handedOver && (action.kind === "ask" || (action.kind === "run" && !stepList(d.journal.state).some((s) => s.status === "running")))) {
      await settle();
      return release(d, handedOver, action.kind === "ask" ? action.target : null);
    }
    const gated = awaitsApproval(d.journal.state, action);
    if (gated !== undefined) {
      const record = await approval(d, gated);
      if (record === undefined) return interrupt(d, gated);
      // Journaled before the step begins: the step's first event follows its approval.
      d.journal.append({ type: "approval_checked", target: gated, ...record });
      continue;
    }
    switch (action.kind) {
      case "hosts": {
        const target = action.runs[0]?.block.target ?? action.step?.id ?? "";
        const key = (r: HostRun) => `${r.block.target}@${r.host}`;
        const mine = () => [...inFlight.keys()].filter((k) => k.startsWith(`${target}@`)).length;
        const free = Math.max(0, action.parallel - mine());
        const starting = action.runs.filter((r) => !inFlight.has(key(r))).slice(0, free);
        // runAttempt journals the host's start before it returns its promise: the next turn sees it running.
        for (const r of starting) track(key(r), onHost(d, action.step, r));
        if (!starting.length || (!atOnce && mine() >= action.parallel)) await race(`the hosts of ${action.step?.id ?? "a step"}`);
        break;
      }
      case "wait":
        await race("steps in flight");
        break;
      case "end":
        return action.exitCode;
      case "record":
        // A shared run asks the remote once before it journals its end: a runner that lost its lock
        // during the last step never records the run as ended (settle throws).
        if (d.settle && action.events.some((e) => e.type === "run_finished")) await d.settle();
        for (const e of action.events) {
          keepHostList(d, e);
          d.journal.append(e);
        }
        break;
      case "ask": {
        const answer = await ask(d, action);
        if (answer === undefined) {
          // The steps still in flight end (stopped by the interruption) before the run says it stopped.
          await settle();
          const granted = d.handover?.granted();
          if (granted && !d.signal.aborted) return release(d, granted, action.target);
          return interrupt(d, action.target);
        }
        const q = action.question;
        // Going past a barrier is its own record: who named which irreversible step. The preview then comes again.
        if (q.kind === "rollback" && answer === "past" && q.barrier) d.journal.append({ type: "answer", target: q.barrier.target, question: "barrier", answer, by: d.operator.by(q) });
        else d.journal.append({ type: "answer", target: action.target, question: q.kind, answer, by: d.operator.by(q) });
        break;
      }
      case "run": {
        if (atOnce) {
          // Already started, and waiting for its retry's time: wait for something to end instead.
          if (inFlight.has(action.block.target)) await race(action.block.target);
          else track(action.block.target, afterWait(d, action.notBefore, () => runAttempt(d, action)));
          break;
        }
        if (action.notBefore !== undefined) {
          const wait = action.notBefore - d.clock.now();
          if (wait > 0) await d.clock.sleep(wait, d.signal).catch(() => undefined);
          if (d.signal.aborted) return interrupt(d, action.block.target);
        }
        const result = await runAttempt(d, action);
        if (result.interrupted) return interrupt(d, action.block.target);
        break;
      }
    }
  }
}

/** A block started once its retry's time has come (at once without one). */
async function afterWait(d: EngineDeps, notBefore: number | undefined, start: () => Promise<BlockResult>): Promise<BlockResult> {
  if (notBefore !== undefined) {
    const wait = notBefore - d.clock.now();
    if (wait > 0) await d.clock.sleep(wait, d.signal).catch(() => undefined);
  }
  return start();
}

/** One block on one host: after its retry's wait, over SSH. An interruption is journaled by the walk. */
async function onHost(d: Driven, step: PlanStep | undefined, r: HostRun): Promise<BlockResult> {
  return afterWait(d, r.notBefore, () => runAttempt(d, { kind: "run", block: r.block, step, attempt: r.attempt, retry: r.retry, notBefore: undefined }, r.host));
}

/** The operator's answer, or undefined when the run was interrupted (or handed over) while asking. */
async function ask(d: EngineDeps, action: Extract<Action, { kind: "ask" }>): Promise<string | undefined> {
  const signal = d.handover ? AbortSignal.any([d.signal, d.handover.signal]) : d.signal;
  try {
    return await d.operator.ask(action.question, signal);
  } catch (e) {
    if (signal.aborted) return undefined;
    if (e instanceof NobodyToAskError) {
      // The checks before the start should make this impossible; if not, leave the run resumable.
      d.journal.append({ type: "run_interrupted", signal: "no operator", target: action.target });
      throw new RunRefusedError(`${action.target}: ${e.message}`, { hint: `Resume it in a terminal: runbook resume ${d.runId}` });
    }
    throw e;
  }
}

/**
 * An approved plan for a step that needs one, or undefined when the run was interrupted while it
 * waited. No plan (or no way to get one) stops the run there, resumable, and says why: nothing of the
 * step has begun.
 */
async function approval(d: EngineDeps, step: string): Promise<ApprovalRecord | undefined> {
  try {
    if (!d.approveAt) throw new RunRefusedError(`${step} needs an approved plan (approvals.steps), and this session cannot verify one`, { hint: `Resume it with an approved plan: runbook resume ${d.runId} --plan <plan-id>` });
    const record = await d.approveAt(step, d.signal);
    if (record !== undefined && !d.signal.aborted) return record;
  } catch (e) {
    if (!d.signal.aborted) {
      d.journal.append({ type: "run_interrupted", signal: "approval", target: step });
      throw e;
    }
  }
  return undefined;
}

/** Handed over: journaled with to whom, then stopped as an interruption is (resumable), before anything more runs. */
function release(d: EngineDeps, g: HandoverGrant, target: string | null): number {
  d.journal.append({ type: "released", to: g.to, by: g.by, how: g.how });
  d.journal.append({ type: "run_interrupted", signal: "handover", target });
  return EXIT.interrupted;
}

function interrupt(d: EngineDeps, target: string | null): number {
  const r: unknown = d.signal.reason;
  d.journal.append({ type: "run_interrupted", signal: typeof r === "string" ? r : "SIGINT", target });
  return EXIT.interrupted;
}

/** One attempt of one block: journaled before it starts, its output masked as it arrives, its end recorded. */
async function runAttempt(d: Driven, action: Extract<Action, { kind: "run" }>, host?: string): Promise<BlockResult> {
  const { block, step, attempt, retry } = action;
  const { target, phase } = block;
  const on = host === undefined ? {} : { host };
  // A shared run: a plain step is reserved ahead (a `reserved` event pushed in the background);
  // anything else must have its own start on the remote first.
  const published = d.reservations && host === undefined ? d.reservations.before(target, phase) : true;
  // Journaled before anything is spawned: a runner killed from here on leaves a start with no end,
  // which a resume asks about instead of running the block on this host again.
  d.journal.append({ type: "attempt_started", target, ...on, phase, attempt, ...(retry ? { retry } : {}) });
  // A shared run starts a block only while its lease holds, and only once the remote has its
  // attempt_started or a reservation of its step: whoever takes the run over after this runner dies
  // knows the block may have begun and asks about it; nothing runs twice because a push was late.
  if (d.gate) {
    const from = d.clock.now();
    const note = await d.gate(d.signal, { published });
    if (host === undefined) d.reservations?.went(published, d.clock.now() - from);
    if (note) d.journal.append({ type: "note", text: note, by: "runbook" });
  }
  const secrets = secretValues(d);
  // One masker per stream, so held-back text stays in its own stream.
  const maskers = { stdout: new SecretMasker(secrets), stderr: new SecretMasker(secrets) };
  const local = new AbortController();
  const onAbort = () => local.abort(d.signal.reason);
  d.signal.addEventListener("abort", onAbort, { once: true });
  let journalError: unknown;
  const write = (stream: "stdout" | "stderr", text: string) => {
    if (!text || journalError) return;
    try {
      d.journal.append({ type: "output", target, ...on, phase, stream, text }, false);
    } catch (e) {
      // The journal cannot keep up: stop the block rather than run on unrecorded.
      journalError = e;
      local.abort();
    }
  };
  // Masked first, then cut: a cut never splits a secret into pieces the masker would not know.
  const bound = new OutputLimit(d.outputLimit ?? DEFAULT_OUTPUT_LIMIT);
  const bounded = (stream: "stdout" | "stderr", text: string) => {
    if (text) for (const p of bound.push(stream, text)) write(p.stream, p.text);
  };
  // On a group, each host's value is journaled with its attempt; the step's value is their list (fanout.ts).
  const wantsCapture = phase === "command" && step?.capture !== undefined;
  const stepId = step?.id ?? target;
  let result: BlockResult;
  try {
    result = d.signal.aborted
      ? { exitCode: null, signal: null, timedOut: false, interrupted: true, durationMs: 0, stdout: undefined, error: "not started: the run was interrupted before the block began" }
      : await d.runner({
          source: block.source,
          shell: d.plan.shell,
          cwd: block.cwd,
          env: host === undefined ? env(d, stepId, attempt) : { ...d.baseEnv },
          ...(host === undefined ? {} : { program: remote(d, host, { ...runVars(d, stepId, attempt), RUNBOOK_HOST: host }, block.source) }),
          timeoutMs: block.timeoutMs,
          graceMs: d.graceMs,
          captureStdout: wantsCapture,
          tag: blockTag(d.runId, host === undefined ? target : `${target}@${host}`, phase, attempt),
          signal: local.signal,
          onSpawn: (pid, startTime) => {
            if (pid !== undefined) d.journal.append({ type: "attempt_spawned", target, ...on, phase, attempt, pid, startTime: startTime ?? null });
          },
          onOutput: (stream, text) => bounded(stream, maskers[stream].push(text)),
        });
    for (const stream of ["stdout", "stderr"] as const) bounded(stream, maskers[stream].flush());
    for (const p of bound.end()) write(p.stream, p.text);
  } finally {
    d.signal.removeEventListener("abort", onAbort);
  }
  if (journalError) throw journalError;
  // The same answer the fold gives when it reads this attempt back (journal/outcome.ts): a block
  // killed by a signal failed, even with no code; an interrupted one is not retried.
  const ok = passed(result);
  const retryInMs = failed(result) && retry < block.retries ? backoffDelay(block.backoffMs, retry + 1, d.clock.random()) : null;
  const capture = ok && wantsCapture && step ? (host === undefined ? captured(d, step, result.stdout ?? "") : hostCaptured(d, step, host, result.stdout ?? "")) : undefined;
  d.journal.append({
    type: "attempt_finished",
    target,
    ...on,
    phase,
    attempt,
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    durationMs: Math.round(result.durationMs),
    retryInMs,
    ...(result.error ? { error: result.error } : {}),
    ...(result.interrupted ? { interrupted: true } : {}),
    ...(capture ? { capture } : {}),
  });
  return result;
}

/**
 * A value captured from stdout. It is secret when the step reads a secret, or when it contains one in
 * any form the masker knows: then only its name reaches the journal, and its value stays in memory.
 */
function captured(d: EngineDeps, step: PlanStep, stdout: string): Capture {
  const c = captureOf(d, step, stdout);
  if (c.secret) d.secretCaptures.set(c.name, c.raw);
  else d.secretCaptures.delete(c.name);
  return c.capture;
}

/** A captured value, and whether it is secret: the step reads a secret, or the value holds one in a form the masker knows. */
function captureOf(d: EngineDeps, step: PlanStep, stdout: string): { name: string; raw: string; secret: boolean; capture: Capture } {
  const name = step.capture!;
  const raw = stdout.replace(/\r?\n$/, "");
  const readsSecret = step.reads.some((n) => d.secretParams.has(n) || d.journal.state.captures.get(n)?.secret === true || d.secretCaptures.has(n));
  const secret = readsSecret || new SecretMasker(secretValues(d)).mask(raw) !== raw;
  return { name, raw, secret, capture: { name, value: secret ? null : raw, secret } };
}

/**
 * One host's value of a step on a group, secret as `captured` decides. A secret one stays in memory
 * until the step's end, when the list of every host's value is kept as the step's (see `record`).
 */
function hostCaptured(d: Driven, step: PlanStep, host: string, stdout: string): Capture {
  const c = captureOf(d, step, stdout);
  if (c.secret) d.hostSecrets.set(`${step.id}\0${host}`, c.raw);
  return c.capture;
}

/**
 * The list a step on a group captured, once its end is journaled: when a host's value is secret the
 * journal has its name only, and the list is kept in memory from this session's values. A value
 * captured before a resume is not known: it is then left unset (a block reading it fails on it,
 * `bash -u`), never filled in with a guess.
 */
function keepHostList(d: Driven, e: NewEvent): void {
  if (e.type !== "step_finished" || e.host !== undefined || !e.capture?.secret) return;
  const ps = d.plan.steps.find((s) => s.id === e.target);
  const hosts = ps ? [...(d.journal.state.steps.get(ps.id)?.hosts.values() ?? [])].filter((h) => h.status === "done") : [];
  if (!ps || !hosts.length) return;
  const values = hosts.map((h) => h.attempt?.capture?.value ?? d.hostSecrets.get(`${ps.id}\0${h.host}`));
  if (values.every((v): v is string => v !== undefined)) d.secretCaptures.set(e.capture.name, values.join("\n"));
  else d.secretCaptures.delete(e.capture.name);
}

function secretValues(d: EngineDeps): string[] {
  const values: string[] = [];
  for (const name of d.secretParams) {
    const v = d.params[name];
    if (v) values.push(v);
  }
  for (const v of d.secretCaptures.values()) if (v) values.push(v);
  return values;
}

/**
 * The block as a host runs it: `ssh … bash -euo pipefail -s`, the script on stdin beginning with the
 * block's params, captures and RUNBOOK_* as exports (the operator's own environment stays here).
 */
function remote(d: EngineDeps, host: string, vars: Readonly<Record<string, string>>, source: string): { file: string; args: string[]; input: string } {
  const configFile = d.baseEnv.RUNBOOK_SSH_CONFIG;
  return { file: "ssh", args: sshArgs(host, d.plan.shell, { configFile: configFile || undefined, controlDir: controlDir() }), input: remoteScript(vars, source) };
}

/** What a block is given of the run: params, captures, and which run, step and attempt it is. */
function runVars(d: EngineDeps, stepId: string, attempt: number): Record<string, string> {
  const out: Record<string, string> = { ...d.params };
  for (const [name, c] of d.journal.state.captures) if (c.value !== null) out[name] = c.value;
  for (const [name, value] of d.secretCaptures) out[name] = value;
  out.RUNBOOK_RUN_ID = d.runId;
  out.RUNBOOK_STEP_ID = stepId;
  out.RUNBOOK_ATTEMPT = String(attempt);
  return out;
}

function env(d: EngineDeps, stepId: string, attempt: number): Record<string, string> {
  return { ...d.baseEnv, ...runVars(d, stepId, attempt), RUNBOOK_FILE: d.plan.file, RUNBOOK_DIR: d.plan.dir };
}
