import { EXIT } from "../core/errors.js";
import type { NewEvent, Phase } from "../journal/events.js";
import type { Plan, PlanBlock, PlanStep } from "./plan.js";
import { BY_YES, byConfirmIrreversible, type Ask } from "./ask.js";
import { notUndoneNote, rollbackBlock, rollbackQuestion, rollbackScope, whyNoRollback } from "./rollback-plan.js";
import { passed } from "../journal/outcome.js";
import { pendingStep, type Attempt, type HostState, type RunState, type StepState } from "./state.js";
import { nextOnHosts, runOn, stepHosts, type HostRun } from "./fanout.js";

/**
 * What the engine does next. Decided from the run's state and the plan alone, so a run, a resume
 * after a crash at any point and a rollback are the same loop: nothing else remembers where a run is.
 */
export type Action =
  | { readonly kind: "run"; readonly block: PlanBlock; readonly step: PlanStep | undefined; readonly attempt: number; readonly retry: number; readonly notBefore: number | undefined }
  /**
   * A step on a group: blocks to start on hosts, at most `parallel` in flight (`waiting` are already);
   * none to start means wait for one in flight to end.
   */
  | { readonly kind: "hosts"; readonly step: PlanStep | undefined; readonly runs: readonly HostRun[]; readonly parallel: number; readonly waiting: number }
  | { readonly kind: "ask"; readonly target: string; readonly question: Ask }
  /** Steps at once (`parallel:`): nothing to start or ask now; wait for a block in flight to end. */
  | { readonly kind: "wait" }
  | { readonly kind: "record"; readonly events: readonly NewEvent[] }
  | { readonly kind: "end"; readonly exitCode: number };

/**
 * The step of `run_started.approvalAt` (`approvals.steps`, docs/approvals.md) this action would begin
 * while no approved plan has been verified yet (`approval_checked`): the engine must obtain one first.
 * Undefined when the action begins no such step (a rollback never waits: undoing is not the change). Pure.
 */
export function awaitsApproval(state: RunState, action: Action): string | undefined {
  const at = state.started.approvalAt;
  if (!at?.length || state.approval || state.rollback) return undefined;
  const step =
    action.kind === "run" || action.kind === "hosts" ? action.step : action.kind === "ask" && (action.question.kind === "confirm" || action.question.kind === "manual") ? action.question.step : undefined;
  if (!step || !at.includes(step.id)) return undefined;
  return (state.steps.get(step.id)?.status ?? "pending") === "pending" ? step.id : undefined;
}

export function next(state: RunState, plan: Plan): Action {
  if (state.ended) return { kind: "end", exitCode: state.ended.exitCode };
  if (state.status === "interrupted") return { kind: "end", exitCode: EXIT.interrupted };
  if (state.rollback) return nextInRollback(state, plan);

  for (const check of plan.checks) {
    const c = state.checks.get(check.target);
    if (c?.status === "passed") continue;
    if (c?.status === "failed") return record({ type: "run_finished", status: "failed", exitCode: EXIT.findings, note: `prerequisite ${check.target} (line ${check.line}) failed; no step ran` });
    const a = c?.attempt;
    if (!a?.result || a.result.interrupted) return run(state, check, undefined, undefined);
    if (passed(a.result)) return record({ type: "check_finished", target: check.target, status: "passed" });
    if (a.result.retryInMs !== null) return run(state, check, undefined, a);
    return record({ type: "check_finished", target: check.target, status: "failed" });
  }

  if (plan.parallel > 1) return nextInParallel(state, plan, plan.parallel);
  for (const ps of plan.steps) {
    const s = state.steps.get(ps.id) ?? pending(ps.id);
    if (finished(s)) continue;
    return nextForStep(state, plan, ps, s);
  }
  return record({ type: "run_finished", status: "completed", exitCode: EXIT.ok });
}

const finished = (s: StepState | undefined): boolean => s !== undefined && (s.status === "done" || s.status === "skipped" || s.status === "assumed");

/** A block of the step is running now (here, or on one of its hosts). */
export function inFlight(s: StepState): boolean {
  if (s.hosts.size) return [...s.hosts.values()].some((h) => h.status === "running" && h.attempt !== undefined && h.attempt.result === undefined);
  return s.status === "running" && s.attempt !== undefined && s.attempt.result === undefined;
}

/**
 * Steps at once (`parallel: N`): every step whose `needs=` are all finished is ready, and at most N
 * run at a time. Each turn gives one move, in this order: what a block's end leaves to journal; a
 * failure (no new start once a step has failed: the steps in flight end first, then the failure is
 * dealt with as in a run one step at a time); a start, while fewer than N are in flight; a question
 * (one at a time: the engine asks it while the others run); else wait for a block to end. An
 * irreversible step runs alone: it starts once nothing is in flight, and nothing starts beside it.
 * Pure, like `next`: a crash at any point resumes from the journal alone.
 */
function nextInParallel(state: RunState, plan: Plan, n: number): Action {
  const steps = plan.steps.map((ps) => ({ ps, s: state.steps.get(ps.id) ?? pending(ps.id) }));
  const flying = steps.filter(({ s }) => inFlight(s));
  const alone = flying.some(({ ps }) => ps.irreversible !== undefined);
  let stop: Action | undefined;
  let start: Action | undefined;
  let question: Action | undefined;
  for (const { ps, s } of steps) {
    if (finished(s)) continue;
    // A step here with its block in flight has nothing to decide until the block ends.
    if (inFlight(s) && !s.hosts.size) continue;
    if (!ps.needs.every((id) => finished(state.steps.get(id)))) continue;
    const a = nextForStep(state, plan, ps, s);
    switch (a.kind) {
      case "record":
        if (a.events.some((e) => e.type === "run_finished" || e.type === "rollback_started")) stop ??= a;
        else return a;
        break;
      case "ask":
        // The questions a failure leads to (what to do, the rollback's preview, undo before a skip) stop new starts too.
        if (a.question.kind === "failed" || a.question.kind === "rollback" || a.question.kind === "undo_before_skip") stop ??= a;
        else question ??= a;
        break;
      case "hosts":
        // More of its hosts to start (its own `parallel=`), or only its hosts in flight to wait for.
        if (a.runs.length && a.waiting < a.parallel) start ??= a;
        break;
      case "run":
        start ??= a;
        break;
      default:
        break;
    }
  }
  if (stop) return flying.length ? { kind: "wait" } : stop;
  if (start && !alone) {
    const ps = start.kind === "run" || start.kind === "hosts" ? start.step : undefined;
    const already = ps !== undefined && flying.some((f) => f.ps.id === ps.id);
    // A step on a group already in flight starts more of its hosts without taking another place.
    if (already) return start;
    if (ps?.irreversible !== undefined ? flying.length === 0 : flying.length < n) return start;
  }
  if (question) return question;
  if (flying.length) return { kind: "wait" };
  // Every step not finished is waiting for one that is: impossible in a step graph without cycles.
  if (!steps.every(({ s }) => finished(s))) throw new Error(`no step can go on: ${steps.filter(({ s }) => !finished(s)).map(({ ps }) => ps.id).join(", ")}`);
  return record({ type: "run_finished", status: "completed", exitCode: EXIT.ok });
}

function nextForStep(state: RunState, plan: Plan, ps: PlanStep, s: StepState): Action {
  const finish = (status: "done" | "skipped" | "assumed", by: "run" | "operator" | "resume" | "flag"): Action => record({ type: "step_finished", target: ps.id, status, by });
  // A manual step that --yes answered was not done by a person: assumed done, and said so everywhere.
  const finishManual = (): Action => (s.manualBy === BY_YES ? finish("assumed", "flag") : finish("done", "operator"));
  const fail = (): NewEvent[] => [{ type: "step_finished", target: ps.id, status: "failed", by: "run" }];
  const ask = (question: Ask): Action => ({ kind: "ask", target: ps.id, question });
  const failedAsk = (): Action => {
    const a = s.attempt;
    const result = a?.result ?? { exitCode: null, signal: null, timedOut: false, durationMs: 0, error: "no result", retryInMs: null, interrupted: false };
    return ask({ kind: "failed", step: ps, phase: a?.phase ?? "command", result, output: state.tails.get(ps.id) ?? "" });
  };
  const hosts = stepHosts(state.started, ps);
  const onHosts = (): Action => {
    const n = nextOnHosts(state, ps, s, hosts ?? []);
    switch (n.kind) {
      case "record":
        return record(...n.events);
      case "hosts":
        return { kind: "hosts", step: ps, runs: n.runs, parallel: n.parallel, waiting: n.waiting };
      case "done":
        return n.capture ? record({ type: "step_finished", target: ps.id, status: "done", by: "run", capture: n.capture }) : finish("done", "run");
      case "failed":
        return hostFailedAsk(n.host);
      case "confirm":
        return ask({ kind: "confirm", step: ps, hosts: n.hosts });
    }
  };
  const hostFailedAsk = (h: HostState): Action => {
    const result = h.attempt?.result ?? { exitCode: null, signal: null, timedOut: false, durationMs: 0, error: "no result", retryInMs: null, interrupted: false };
    return ask({ kind: "failed", step: ps, phase: h.attempt?.phase ?? "command", result, output: state.tails.get(ps.id) ?? "" });
  };
  const start = (): Action => (ps.manual ? ask({ kind: "manual", step: ps }) : hosts ? onHosts() : runPhase(state, ps, "command"));

  if (s.status === "failed") return record({ type: "run_finished", status: "failed", exitCode: EXIT.findings, note: `step ${ps.id} failed` });

  const ans = s.answer;
  if (ans) {
    switch (`${ans.question}:${ans.answer}`) {
      case "confirm:yes":
        return start();
      case "confirm:skip":
      case "manual:skip":
        return finish("skipped", "operator");
      case "confirm:abort":
        if (ps.irreversible !== undefined && ans.by === BY_YES) {
          const note = `stopped before ${ps.id}: it is irreversible (${ps.irreversible}) and --yes never takes an irreversible step; to take it, resume with ${byConfirmIrreversible(ps.id)}`;
          return record({ type: "run_finished", status: "aborted", exitCode: EXIT.aborted, note });
        }
        return record({ type: "run_finished", status: "aborted", exitCode: EXIT.aborted, note: `aborted by ${ans.by} at ${ps.id}` });
      case "manual:abort":
        return record({ type: "run_finished", status: "aborted", exitCode: EXIT.aborted, note: `aborted by ${ans.by} at ${ps.id}` });
      case "manual:done":
        return ps.verify ? runPhase(state, ps, "verify") : finishManual();
      case "failed:retry":
        return start();
      case "failed:skip":
        // A step on a group is skipped as it stands: its hosts' undo is the run's rollback's (per host).
        return ps.rollback && !hosts ? ask({ kind: "undo_before_skip", step: ps }) : finish("skipped", "operator");
      case "failed:rollback":
      // A barrier was passed (journaled as its own answer): the question comes again with what is now in scope.
      case "rollback:past":
        return ask({ kind: "rollback", step: ps, ...rollbackQuestion(rollbackScope(state, plan), plan) });
      case "failed:abort":
        return record(...fail(), { type: "run_finished", status: "failed", exitCode: EXIT.findings, note: `step ${ps.id} failed` });
      case "undo_before_skip:yes":
        return runPhase(state, ps, "rollback");
      case "undo_before_skip:no":
        return finish("skipped", "operator");
      case "rollback:yes":
        return record(...fail(), rollbackStarted(state, plan, `step ${ps.id} failed`, "failure"));
      case "rollback:no":
        return failedAsk();
      case "interrupted:done": {
        if (!hosts) return finish("done", "resume");
        // The operator's word for each host cut short, journaled as that host's end; then the hosts not done.
        const cut = [...s.hosts.values()].filter((h) => h.status === "interrupted");
        return cut.length ? record(...cut.map((h): NewEvent => ({ type: "step_finished", target: ps.id, host: h.host, status: "done", by: "resume" }))) : onHosts();
      }
      case "interrupted:rerun": {
        // The hosts cut short are pending again (the fold): run them and the hosts not reached.
        if (hosts) return onHosts();
        const phase = s.attempt?.phase === "verify" || s.attempt?.phase === "rollback" ? s.attempt.phase : "command";
        return ps.manual && phase === "command" ? ask({ kind: "manual", step: ps }) : runPhase(state, ps, phase);
      }
      case "interrupted:skip":
        return finish("skipped", "resume");
      default:
        break;
    }
  }

  if (s.status === "pending") {
    if (!selected(state, plan, ps.id)) return finish("assumed", "operator");
    if (ps.manual) return ask({ kind: "manual", step: ps });
    // A step on a group asks before each batch, naming its hosts (fanout.ts).
    if (ps.confirm && !hosts) return ask({ kind: "confirm", step: ps });
    return start();
  }
  if (hosts) {
    // A host cut short by a crash is asked about before anything else runs: never run twice silently.
    const cut = [...s.hosts.values()].some((h) => h.status === "interrupted");
    return cut ? ask({ kind: "interrupted", target: ps.id, step: ps, phase: "command" }) : onHosts();
  }
  const a = s.attempt;
  // An attempt with no end was cut short (the engine waits for every attempt it starts).
  if (s.status === "interrupted" || !a?.result || a.result.interrupted) return ask({ kind: "interrupted", target: ps.id, step: ps, phase: a?.phase ?? "command", ...(s.unconfirmed !== undefined ? { unconfirmed: s.unconfirmed } : {}) });
  if (a.phase === "rollback") {
    // The step's own rollback, run because the operator skipped it after it failed.
    if (!passed(a.result) && a.result.retryInMs !== null) return runPhase(state, ps, "rollback", a);
    return finish("skipped", "operator");
  }
  if (passed(a.result)) {
    if (a.phase === "command" && ps.verify) return runPhase(state, ps, "verify");
    return ps.manual ? finishManual() : finish("done", "run");
  }
  if (a.result.retryInMs !== null) return runPhase(state, ps, a.phase, a);
  return failedAsk();
}

function nextInRollback(state: RunState, plan: Plan): Action {
  const rb = state.rollback!;
  for (const target of rb.targets) {
    if (rb.results.has(target)) continue;
    const block = rollbackBlock(plan, target);
    const step = plan.steps.find((s) => s.id === target);
    const done = (status: "rolled_back" | "failed" | "none", note?: string): Action => record({ type: "rollback_finished", target, status, ...(note ? { note } : {}) });
    switch (rb.answers.get(target)) {
      case "rerun":
        if (block) return run(state, block, step, undefined);
        break;
      case "skip":
        return done("none", "skipped by the operator after an interruption");
      case "done":
        return done("rolled_back", "marked done by the operator after an interruption");
      default:
        break;
    }
    if (!block) return done("none", whyNoRollback(step));
    const onHosts = state.steps.get(target);
    if (onHosts?.hosts.size) return rollbackOnHosts(state, target, block, step, [...onHosts.hosts.values()], rb.answers.get(target));
    const a = rb.attempts.get(target);
    if (!a) return run(state, block, step, undefined);
    if (!a.result || a.result.interrupted) return { kind: "ask", target, question: { kind: "interrupted", target, step, phase: "rollback" } };
    if (passed(a.result)) return done("rolled_back");
    if (a.result.retryInMs !== null) return run(state, block, step, a);
    return done("failed");
  }
  const failures = [...rb.results.values()].filter((r) => r.status === "failed").length;
  if (failures) {
    return record({ type: "run_finished", status: "rollback_failed", exitCode: EXIT.findings, note: `${failures} rollback block${failures === 1 ? "" : "s"} failed; check the system by hand` });
  }
  // Stopped at an irreversible step: what came before it is still in place, so the run did not come back whole.
  if (rb.barrier) return record({ type: "run_finished", status: "rolled_back_to", exitCode: EXIT.findings, note: notUndoneNote(rb.barrier, rb.beyond) });
  // Asked for explicitly, a clean rollback is a success; after a failure the run still failed.
  return record({ type: "run_finished", status: "rolled_back", exitCode: rb.cause === "request" ? EXIT.ok : EXIT.findings, note: rb.reason });
}

/**
 * The rollback of a step on a group: its rollback block on every host that ran it (done, failed or
 * cut short; never one it did not reach), newest first, one at a time; then the step's own end.
 */
function rollbackOnHosts(state: RunState, target: string, block: PlanBlock, step: PlanStep | undefined, hosts: readonly HostState[], answer: string | undefined): Action {
  const hostDone = (host: string, status: "rolled_back" | "failed" | "none", note?: string): Action => record({ type: "rollback_finished", target, host, status, ...(note ? { note } : {}) });
  const runHere = (run: ReturnType<typeof runOn>): Action => ({ kind: "hosts", step, runs: [run], parallel: 1, waiting: 0 });
  const ran = hosts.filter((h) => h.attempt !== undefined).reverse();
  for (const h of ran) {
    if (h.rollback) continue;
    const a = h.rollbackAttempt;
    if (!a) return runHere(runOn(state, block, h.host, undefined));
    if (!a.result || a.result.interrupted) {
      if (answer === "rerun") return runHere(runOn(state, block, h.host, undefined));
      if (answer === "skip") return hostDone(h.host, "none", "skipped by the operator after an interruption");
      if (answer === "done") return hostDone(h.host, "rolled_back", "marked done by the operator after an interruption");
      return { kind: "ask", target, question: { kind: "interrupted", target, step, phase: "rollback" } };
    }
    if (passed(a.result)) return hostDone(h.host, "rolled_back");
    if (a.result.retryInMs !== null) return runHere(runOn(state, block, h.host, a));
    return hostDone(h.host, "failed");
  }
  const failedOn = ran.filter((h) => h.rollback?.status === "failed").map((h) => h.host);
  const undone = ran.filter((h) => h.rollback?.status === "rolled_back").length;
  if (failedOn.length) return record({ type: "rollback_finished", target, status: "failed", note: `failed on ${failedOn.join(", ")}` });
  return record({ type: "rollback_finished", target, status: undone ? "rolled_back" : "none", note: `on ${undone} of the ${ran.length} host${ran.length === 1 ? "" : "s"} that ran it` });
}

/** The event that starts a rollback: what it undoes, and the barrier it stops at with what that leaves. */
export function rollbackStarted(state: RunState, plan: Plan, reason: string, cause: "failure" | "request"): NewEvent {
  const scope = rollbackScope(state, plan);
  return { type: "rollback_started", reason, targets: scope.targets, cause, ...(scope.barrier ? { barrier: scope.barrier, beyond: scope.beyond } : {}) };
}

/** `--from` and `--only`: the steps this run runs; the others are assumed done by the operator. */
export function selected(state: RunState, plan: Plan, id: string): boolean {
  return runsStep(state.started.options, plan, id);
}

/** Whether a run started with these `--from`/`--only` options runs a step. Pure. */
export function runsStep(pick: { readonly from?: string | undefined; readonly only?: readonly string[] | undefined }, plan: Plan, id: string): boolean {
  if (pick.only) return pick.only.includes(id);
  if (pick.from === undefined) return true;
  const order = plan.steps.map((s) => s.id);
  return order.indexOf(id) >= order.indexOf(pick.from);
}

function runPhase(state: RunState, ps: PlanStep, phase: Phase, retryOf?: Attempt): Action {
  const block = phase === "verify" ? ps.verify : phase === "rollback" ? ps.rollback : ps.command;
  // A runbook changed under --force may have lost the block: nothing to run is a pass.
  if (!block) return record({ type: "step_finished", target: ps.id, status: "done", by: "run" });
  return run(state, block, ps, retryOf);
}

function run(state: RunState, block: PlanBlock, step: PlanStep | undefined, retryOf: Attempt | undefined): Action {
  const attempt = (state.attemptNumbers.get(`${block.target}:${block.phase}`) ?? 0) + 1;
  const retryIn = retryOf?.result?.retryInMs;
  const notBefore = retryOf?.endedAt && retryIn != null ? Date.parse(retryOf.endedAt) + retryIn : undefined;
  return { kind: "run", block, step, attempt, retry: retryOf ? retryOf.retry + 1 : 0, notBefore };
}

function record(...events: NewEvent[]): Action {
  return { kind: "record", events };
}

function pending(id: string): StepState {
  return pendingStep(id);
}
