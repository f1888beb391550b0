import path from "node:path";
import { blockTag } from "../system/proc.js";
import { EXIT, RunRefusedError, UsageError } from "../core/errors.js";
import { stepsNeedingOperator, type Plan } from "./plan.js";
import type { ApprovalRecord, EventOf } from "../journal/events.js";
import { newRunId } from "../journal/run-id.js";
import type { Lock } from "../state/lock.js";
import { printableLine } from "../core/printable.js";
import { drillAssumptions, drillShortfall, type DrillAllowance } from "./drill.js";
import { missingEnv } from "./inherited-env.js";
import { withPolicy, type Policy } from "./ask.js";
import { drive } from "./engine.js";
import { irreversibleNamed, stopsBeforeIrreversible } from "./irreversible.js";
import { locateRunbook, type LookupContext } from "./locate.js";
import { rollbackStarted, runsStep } from "./next.js";
import { reviewRunParams } from "./param-review.js";
import { controlCharacterIn, reopenParams, resolveRunParams, type AskParam } from "./params.js";
import type { Prepared } from "./prepare.js";
import { rollbackQuestion, rollbackScope, type RollbackScope } from "./rollback-plan.js";
import { watchQueuedNotes } from "./queued-notes.js";
import { RunJournal } from "./run-journal.js";
import { RunNotice } from "./run-notice.js";
import { missingCapturesError, skippedCaptures, splitGiven, type SkippedCapture } from "./skipped-captures.js";
import { readRun } from "./read-run.js";
import { resolveTargets, targetLines } from "./targets.js";
import { groupName } from "./fanout.js";
import { targetIo } from "../system/target-io.js";
import { asStopped, asTakenOver, initialState, interruptedStep, openProcesses, stepList, type BarrierPassed, type OpenProcess, type RunState, type StepState } from "./state.js";
import type { FrontEnd, HandoverRecord, World } from "./world.js";
import { watchHandovers, type HandoverWatch } from "./handover.js";
import { MASKED } from "../core/masked.js";

/** `runbook run`: what the flags asked for, turned into a request. */
export interface StartRequest {
  readonly prepared: Prepared;
  readonly given: Readonly<Record<string, string>>;
  /** Which of `given` came from `-p` and which from `RUNBOOK_PARAM_*`, for the param review. */
  readonly givenBy?: Readonly<Record<string, "flag" | "environment">>;
  readonly policy: Policy;
  readonly interactive: boolean;
  readonly force: boolean;
  readonly record: boolean;
  readonly commit: boolean;
  readonly from: string | undefined;
  readonly only: readonly string[] | undefined;
  /** `runbook drill`: what the drill may leave undone and still record a verification. */
  readonly drill?: DrillAllowance | undefined;
  /** The approved plan this run must match (docs/approvals.md): checked once params are known, claimed under the lock. */
  readonly approval?: ApprovalGate;
  /** `--break-glass "reason"`: journaled with the run. */
  readonly breakGlass?: NonNullable<EventOf<"run_started">["breakGlass"]>;
  /** How a plan is obtained before a step of `approvals.steps` (docs/approvals.md). */
  readonly stepApproval?: StepApproval;
}

/** The two moments a plan is looked at once the run's values are known. */
export interface ApprovalGate {
  /**
   * Refuses (throws) when these values are not what the plan says, or no plan covers them. Returns
   * the steps this run may begin only with a verified approved plan (`approvals.steps`): the run
   * starts, and stops at the first of them for one. Empty when none.
   */
  check(values: Readonly<Record<string, string>>, secrets: ReadonlySet<string>): Promise<readonly string[]>;
  /** Marks the plan used by this run (once, on the remote with `share:`); what the journal records. Undefined when no plan was needed. */
  claim(runId: string): Promise<EventOf<"run_started">["approval"]>;
}

/** What a step of `approvals.steps` is asked with. */
export interface StepApprovalAsk {
  readonly prepared: Prepared;
  readonly runId: string;
  readonly step: string;
  readonly values: Readonly<Record<string, string>>;
  readonly secrets: ReadonlySet<string>;
  readonly signal: AbortSignal;
  readonly notice: (text: string) => void;
}

/** Approvals before steps (docs/approvals.md), verified by the same rules as `run --plan`. */
export interface StepApproval {
  /** The plan named by `--plan`, if any. */
  readonly plan?: string | undefined;
  /** A verified, claimed plan for this run before `step`; undefined when interrupted while waiting for one. Throws when there is none and it may not wait. */
  obtain(o: StepApprovalAsk): Promise<ApprovalRecord | undefined>;
  /** At a resume: the plan verified before the crash still holds for this run (the same plan, used by no other run). Throws when not. */
  recheck(o: Omit<StepApprovalAsk, "step" | "signal" | "notice"> & { readonly record: ApprovalRecord }): Promise<void>;
}

/** `runbook resume` and `runbook rollback`. */
export interface ContinueRequest {
  readonly mode: "resume" | "rollback";
  readonly runId: string;
  readonly given: Readonly<Record<string, string>>;
  readonly policy: Policy;
  readonly interactive: boolean;
  readonly force: boolean;
  readonly lookup: Omit<LookupContext, "hashOf">;
  readonly hashOf: LookupContext["hashOf"];
  /** Reads, lints and plans the runbook found. */
  readonly prepare: (file: string) => Promise<Prepared>;
  readonly checkRequires: (plan: Plan) => void;
  /** `resume --plan`, `--wait-approval`: how a step of `approvals.steps` gets its approved plan. */
  readonly stepApproval?: StepApproval;
}

/**
 * Starts a run. The one owner of a run session: signals are handled before anything else, then the
 * params, the lock, the journal (created with its first event), the front end and the engine.
 */
export async function startRun(req: StartRequest, world: World): Promise<number> {
  const { plan, runbook } = req.prepared;
  const needy = stepsNeedingOperator(plan);
  if (!req.interactive && !req.policy.yes && needy.length) {
    const irreversible = needy.filter((s) => s.irreversible !== undefined).map((s) => s.id);
    const hint = `Run it in a terminal, or pass --yes to confirm every step${irreversible.length ? ` and --confirm-irreversible ${irreversible.join(",")} to take the irreversible one${irreversible.length === 1 ? "" : "s"} (--yes alone stops before ${irreversible.length === 1 ? "it" : "them"})` : ""}.`;
    throw new RunRefusedError(`no terminal to answer for ${needy.map((s) => `${s.id} (${s.manual ? "manual" : s.irreversible !== undefined ? "irreversible" : "confirm"})`).join(", ")}`, { hint });
  }
  irreversibleNamed(plan, req.policy.confirmIrreversible ?? [], "--confirm-irreversible");
  refuseMissingEnv(req.prepared, world);
  const runs = (id: string) => runsStep(req, plan, id);
  const secretParams = new Set(Object.entries(runbook.meta?.params ?? {}).filter(([, d]) => d.secret === true).map(([n]) => n));
  const skipped = skippedCaptures(plan, runs, secretParams);
  const { params: givenParams, captures: givenCaptures } = splitGiven(req.given, skipped);
  if (!req.interactive) refuseMissingCaptures(skipped, givenCaptures);
  const stops = stopsBeforeIrreversible(plan, runs, req.policy, req.interactive);
  if (stops.length) world.notice(`--yes stops before ${stops.join(", ")} (irreversible): to take ${stops.length === 1 ? "it" : "them"}, pass --confirm-irreversible ${stops.join(",")}`);
  return withSignals(world, async (signal, stop) => {
    const front = await world.openFrontEnd(plan, stop);
    let journal: RunJournal | undefined;
    let notes: { stop(): void } | undefined;
    let handover: HandoverWatch | undefined;
    let notice: RunNotice | undefined;
    let file: string | undefined;
    let failed = false;
    try {
      const asked = await resolveRunParams(runbook, givenParams, front.askParam, signal).catch(unlessInterrupted(signal));
      // Stopped while params were asked: nothing was journaled, nothing ran.
      if (!asked || signal.aborted) return EXIT.interrupted;
      const captureValues = await askCaptures(skipped, givenCaptures, front.askParam, signal).catch(unlessInterrupted(signal));
      if (!captureValues || signal.aborted) return EXIT.interrupted;
      // The hosts of every group the run touches, resolved before the params review so that it is on
      // screen while the values are looked at; again after it only when a value it chose changed.
      const io = world.targetIo ?? targetIo;
      const preview = await resolveTargets(plan, runbook.meta?.targets, asked.values, io, signal).catch(unlessInterrupted(signal));
      if (signal.aborted) return EXIT.interrupted;
      const shown = targetLines(preview, plan, asked.values);
      for (const line of shown) front.notice(line);
      // A last look at every value before anything is locked or journaled (not with --yes).
      const resolved = req.policy.yes ? asked : await reviewRunParams(runbook, givenParams, req.givenBy ?? {}, asked, front.reviewParams, signal).catch(unlessInterrupted(signal));
      if (signal.aborted) return EXIT.interrupted;
      if (!resolved) {
        front.notice("not started: nothing ran");
        return EXIT.aborted;
      }
      const approvalAt = (await req.approval?.check(resolved.values, resolved.secrets)) ?? [];
      const sameChoice = plan.steps.every((s) => s.on === undefined || groupName(s.on, resolved.values) === groupName(s.on, asked.values));
      const targets = sameChoice ? preview : await resolveTargets(plan, runbook.meta?.targets, resolved.values, io, signal).catch(unlessInterrupted(signal));
      if (signal.aborted) return EXIT.interrupted;
      if (!sameChoice) for (const line of targetLines(targets, plan, resolved.values)) front.notice(line);
      const now = new Date(world.clock.now());
      const runId = newRunId(plan.runbookId, now);
      const lock = await world.locks.acquire(plan.runbookId, { runId, user: world.operator, startedAt: now.toISOString() }, req.force);
      try {
        await stopLeftovers(world, lock, undefined, front.notice);
        // Under the lock, before the journal: a plan is used once, and a run that could not claim it never starts.
        const approval = await req.approval?.claim(runId);
        const { sink, event } = world.store.create(runId, {
          type: "run_started",
          runId,
          runbook: { id: plan.runbookId, file: req.prepared.file, path: req.prepared.location.path, base: req.prepared.location.base, sha256: req.prepared.sha256, title: runbook.title ?? null },
          git: await world.git.state(req.prepared.file),
          operator: world.operator,
          host: world.host,
          pid: world.pid,
          folder: world.store.folderId(),
          params: Object.fromEntries(Object.entries(resolved.values).map(([k, v]) => [k, resolved.secrets.has(k) ? MASKED : v])),
          secrets: [...resolved.secrets],
          ...(runbook.meta?.env?.length ? { env: [...runbook.meta.env] } : {}),
          ...(approval ? { approval } : {}),
          ...(req.breakGlass ? { breakGlass: req.breakGlass } : {}),
          ...(approvalAt.length ? { approvalAt: [...approvalAt] } : {}),
          ...(skipped.length ? { captures: skipped.map((c) => ({ name: c.name, value: c.secret ? null : (captureValues.get(c.name) ?? ""), secret: c.secret })) } : {}),
          ...(targets ? { targets, on: Object.fromEntries(plan.steps.flatMap((s) => (s.on === undefined ? [] : [[s.id, groupName(s.on, resolved.values)]]))) } : {}),
          order: plan.steps.map((s) => s.id),
          options: {
            onFailure: req.policy.onFailure, yes: req.policy.yes, record: req.record,
            ...(req.from !== undefined ? { from: req.from } : {}), ...(req.only ? { only: [...req.only] } : {}),
            ...(req.policy.confirmIrreversible?.length ? { confirmIrreversible: [...req.policy.confirmIrreversible] } : {}),
            ...(req.drill ? { drill: true } : {}),
          },
        });
        file = world.store.pathOf(runId);
        notice = new RunNotice(world, runId, plan, [...[...resolved.secrets].map((k) => resolved.values[k] ?? ""), ...skipped.filter((c) => c.secret).map((c) => captureValues.get(c.name) ?? "")]);
        const told = notice;
        journal = new RunJournal(sink, initialState(event), (e, s) => {
          front.onEvent(e, s);
          told.onEvent(e, s);
        });
        told.attach(journal);
        front.onEvent(event, journal.state);
        told.onEvent(event, journal.state);
        notes = watchQueuedNotes(journal, world.store.notes, runId);
        handover = handoverFor(world, front, lock, journal, runId, req.policy);
        const code = await drive({
          plan, runId, journal, runner: world.runner, operator: withPolicy(told.watch(front.operator), req.policy), clock: world.clock, signal,
          baseEnv: world.env, params: resolved.values, secretParams: resolved.secrets, secretCaptures: new Map(skipped.filter((c) => c.secret).map((c) => [c.name, captureValues.get(c.name) ?? ""])),
          graceMs: world.graceMs, outputLimit: world.outputLimit, gate: lock.gate?.bind(lock), mark: lock.mark?.bind(lock), settle: lock.settle?.bind(lock), handover,
          approveAt: approveAt(req.stepApproval, { prepared: req.prepared, runId, values: resolved.values, secrets: resolved.secrets, notice: front.notice }),
        });
        handedOver(lock, journal, handover);
        if (req.record && code !== EXIT.interrupted) await recordDrill(journal, req.prepared.file, req.commit, world, req.drill);
        return code;
      } finally {
        handover?.stop();
        notes?.stop();
        await notice?.finish();
        journal?.close();
        await lock.release();
      }
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      // A session that ended in an error (a lost lock, a journal that cannot be written) is no longer live.
      await front.finish(failed && journal ? asStopped(journal.state) : journal?.state, file);
    }
  });
}

/**
 * Resumes a run, or rolls it back, from its journal. The lock comes first: a run that is still live
 * elsewhere is refused before anything is asked or read twice.
 */
export async function continueRun(req: ContinueRequest, world: World): Promise<number> {
  return withSignals(world, async (signal, stop) => {
    const first = firstEvent(world, req.runId);
    const now = new Date(world.clock.now()).toISOString();
    const lock = await world.locks.acquire(first.runbook.id, { runId: req.runId, user: world.operator, startedAt: now }, req.force);
    try {
      // Read under the lock: nothing else writes this journal now.
      // The answers so far, for the screen's story of the run (a handful per step).
      const answers: EventOf<"answer">[] = [];
      const { state, scanned } = readRun(world.store, req.runId, (e) => {
        if (e.type === "answer") answers.push(e);
      });
      const done = alreadyOver(req, state, world);
      if (done !== undefined) return done;
      await stopLeftovers(world, lock, state, (t) => world.notice(t));

      const found = locateRunbook(state.started, { ...req.lookup, hashOf: req.hashOf });
      if (!found.same && !req.force) {
        throw new RunRefusedError(`${found.file} changed since run ${req.runId} started; its steps may no longer match the journal`, { hint: "Pass --force to continue anyway, or --file to point at the runbook it ran." });
      }
      const root = req.lookup.checkoutRoot;
      const outside = root !== undefined && path.relative(root, found.file).startsWith("..");
      // Never run another checkout's file silently.
      if (found.how !== "where the run started" || outside) world.notice(`using ${found.file} (${found.how}${outside ? ", outside this checkout" : ""})`);
      const prepared = await req.prepare(found.file);
      const { plan } = prepared;
      irreversibleNamed(plan, req.policy.confirmIrreversible ?? [], "--confirm-irreversible");
      irreversibleNamed(plan, req.policy.past ?? [], "--past");
      const startRollback = req.mode === "rollback" && (!state.rollback || state.status === "rolled_back_to");
      if (startRollback && !req.interactive) refuseNothingBeforeBarrier(state, plan, req, flagPasses(state, plan, req.policy.past ?? []));
      // A runner in another state folder may have begun steps it reserved past what it pushed: asked about too.
      refuseWithoutOperator(req, asTakenOver(state, world.store.folderId()), plan);
      refuseMissingEnv(prepared, world);
      if (req.mode === "resume") req.checkRequires(plan);

      const sink = world.store.continue(req.runId, scanned);
      if (scanned.torn) world.notice(`dropped a torn last line (line ${scanned.torn.line}, ${scanned.torn.bytes} bytes) left by a crash`);
      let journal: RunJournal | undefined;
      let notes: { stop(): void } | undefined;
      let handover: HandoverWatch | undefined;
      let notice: RunNotice | undefined;
      let failed = false;
      const front = await world.openFrontEnd(plan, stop);
      try {
        front.show(state, answers);
        const reopened = await reopenParams(state, prepared.runbook, { ...req.given }, front.askParam, signal).catch(unlessInterrupted(signal));
        if (!reopened || signal.aborted) return EXIT.interrupted;
        const { params, secrets, secretCaptures } = reopened;
        const named = req.mode === "resume" ? req.stepApproval?.plan : undefined;
        if (named !== undefined && !state.started.approvalAt?.length)
          throw new UsageError(`run ${req.runId} waits for no approval before a step: --plan goes with a run stopped before a step of its runbook's approvals.steps`, { hint: `runbook resume ${req.runId}` });
        if (named !== undefined && state.approval && state.approval.plan !== named)
          throw new UsageError(`run ${req.runId} was approved with plan ${state.approval.plan}; --plan ${named} is another plan`, { hint: `Resume it without --plan: runbook resume ${req.runId}` });
        // An approval verified before the crash counts only while its plan still holds for this run.
        const approvedBefore = req.mode === "resume" ? stillAwaited(state) : undefined;
        if (approvedBefore) {
          if (!req.stepApproval) throw new RunRefusedError(`run ${req.runId} was approved before ${approvedBefore.target}, and this session cannot check that plan again`);
          await req.stepApproval.recheck({ prepared, runId: req.runId, values: params, secrets, record: approvedBefore });
        }
        notice = new RunNotice(world, req.runId, plan, [...[...secrets].map((k) => params[k] ?? ""), ...secretCaptures.values()]);
        const told = notice;
        const operator = withPolicy(told.watch(front.operator), { ...req.policy, rollbackRequested: req.mode === "rollback" });
        // Barriers passed at this preview: journaled once the run is taken over, before the rollback starts.
        const passed = new Map<string, BarrierPassed>();
        for (; startRollback; ) {
          const scope = rollbackScope(withPassed(state, passed), plan);
          const question = { kind: "rollback" as const, step: undefined, ...rollbackQuestion(scope, plan) };
          const answer = await operator.ask(question, signal).catch(unlessInterrupted(signal));
          if (answer === undefined) return EXIT.interrupted;
          if (answer === "no") {
            front.notice("nothing was rolled back");
            return EXIT.aborted;
          }
          if (answer === "past" && question.barrier) {
            passed.set(question.barrier.target, { by: operator.by(question), at: now });
            continue;
          }
          if (state.status === "rolled_back_to" && nothingNew(state, scope)) {
            front.notice(`nothing was rolled back: run ${req.runId} already stands at ${scope.barrier?.target ?? "its barrier"}`);
            return EXIT.findings;
          }
          break;
        }
        journal = new RunJournal(sink, state, (e, s) => {
          front.onEvent(e, s);
          told.onEvent(e, s);
        });
        told.attach(journal);
        journal.append({
          type: "run_resumed", operator: world.operator, host: world.host, pid: world.pid, folder: world.store.folderId(), forced: req.force, mode: req.mode,
          ...(found.how !== "where the run started" ? { file: found.file, sha256: prepared.sha256 } : {}),
        });
        notes = watchQueuedNotes(journal, world.store.notes, req.runId);
        handover = handoverFor(world, front, lock, journal, req.runId, req.policy);
        if (startRollback) {
          for (const [target, p] of passed) journal.append({ type: "answer", target, question: "barrier", answer: "past", by: p.by });
          journal.append({ type: "answer", target: req.runId, question: "rollback", answer: "yes", by: operator.by({ kind: "rollback", step: undefined, items: [] }) });
          journal.append(rollbackStarted(journal.state, plan, `requested by ${world.operator}`, "request"));
        }
        const code = await drive({
          plan, runId: req.runId, journal, runner: world.runner, operator, clock: world.clock, signal,
          baseEnv: world.env, params, secretParams: secrets, secretCaptures, graceMs: world.graceMs, outputLimit: world.outputLimit, gate: lock.gate?.bind(lock), mark: lock.mark?.bind(lock), settle: lock.settle?.bind(lock), handover,
          approveAt: approveAt(req.stepApproval, { prepared, runId: req.runId, values: params, secrets, notice: front.notice }),
        });
        handedOver(lock, journal, handover);
        return code;
      } catch (e) {
        failed = true;
        throw e;
      } finally {
        handover?.stop();
        notes?.stop();
        await notice?.finish();
        if (journal) journal.close();
        else sink.close();
        await front.finish(failed && journal ? asStopped(journal.state) : journal?.state, world.store.pathOf(req.runId));
      }
    } finally {
      await lock.release();
    }
  });
}

/** The engine's way to a plan before a step of `approvals.steps`; none when this session has no way to one (the step then stops the run). */
function approveAt(port: StepApproval | undefined, o: Omit<StepApprovalAsk, "step" | "signal">): ((step: string, signal: AbortSignal) => Promise<ApprovalRecord | undefined>) | undefined {
  return port ? (step, signal) => port.obtain({ ...o, step, signal }) : undefined;
}

/** The approval journaled before a step of `approvalAt` some of whose steps have not begun yet: what a resume checks again. */
function stillAwaited(state: RunState): EventOf<"approval_checked"> | undefined {
  const approval = state.approval;
  if (!approval || state.rollback) return undefined;
  return (state.started.approvalAt ?? []).some((id) => (state.steps.get(id)?.status ?? "pending") === "pending") ? approval : undefined;
}

/**
 * A live shared run watches for requests to hand it over (run/handover.ts): offered with a key on
 * the screen, else said in words with how to grant it. Only a shared lock can be handed over.
 */
function handoverFor(world: World, front: FrontEnd, lock: Lock, journal: RunJournal, runId: string, policy: Policy): HandoverWatch | undefined {
  const inbox = world.store.notes;
  if (!lock.handOver || !inbox.requests) return undefined;
  const words = (r: HandoverRecord) =>
    front.notice(`${r.by} (${r.host}) asks to take run ${runId} over: grant it with \`runbook release ${runId}\` in another terminal here${front.offerHandover ? ", or press h on this screen" : ", or start the run with --allow-handover"}; it stops at the next step boundary`);
  return watchHandovers({
    journal, inbox, runId, operator: world.operator, since: new Date(world.clock.now()).toISOString(), allow: policy.allowHandover === true,
    offer: (r, grant) => {
      if (front.offerHandover) front.offerHandover(r, grant);
      else words(r);
    },
    notice: (t) => front.notice(t),
  });
}

/** A run stopped because it was handed over: its lock is released to the one it was handed to. */
function handedOver(lock: Lock, journal: RunJournal, handover: HandoverWatch | undefined): void {
  const g = handover?.granted();
  if (g && journal.state.status === "interrupted") lock.handOver?.(g.to);
}

/** What `runbook rollback --dry-run` shows: the targets in order, and what each will do. Reads only. */
export async function previewRollback(req: ContinueRequest, world: World): Promise<{ state: RunState } & ReturnType<typeof rollbackQuestion>> {
  firstEvent(world, req.runId);
  const { state } = readRun(world.store, req.runId);
  const found = locateRunbook(state.started, { ...req.lookup, hashOf: req.hashOf });
  const { plan } = await req.prepare(found.file);
  irreversibleNamed(plan, req.policy.past ?? [], "--past");
  const rb = state.rollback;
  if (rb && state.status !== "rolled_back_to") {
    // A rollback under way (interrupted): what it has left, and the barrier it already stops at.
    const left = { targets: rb.targets.filter((t) => !rb.results.has(t)), barrier: rb.barrier, beyond: [...rb.beyond] };
    return { state, ...rollbackQuestion(left, plan) };
  }
  return { state, ...rollbackQuestion(rollbackScope(withPassed(state, flagPasses(state, plan, req.policy.past ?? [])), plan), plan) };
}

/** The state as if these barriers had been passed too: what the rollback's scope would then be. */
function withPassed(state: RunState, passed: ReadonlyMap<string, BarrierPassed>): RunState {
  return passed.size ? { ...state, barriersPassed: new Map([...state.barriersPassed, ...passed]) } : state;
}

/** The barriers `--past` names, passed one after the other as a rollback meets them. */
function flagPasses(state: RunState, plan: Plan, past: readonly string[]): Map<string, BarrierPassed> {
  const passed = new Map<string, BarrierPassed>();
  for (;;) {
    const barrier = rollbackScope(withPassed(state, passed), plan).barrier;
    if (!barrier || !past.includes(barrier.target)) return passed;
    passed.set(barrier.target, { by: `--past ${barrier.target}`, at: "" });
  }
}

/** A rollback that stopped at a barrier, asked again without going past it: nothing new to undo. */
function nothingNew(state: RunState, scope: RollbackScope): boolean {
  return scope.targets.length === 0 && scope.barrier?.target === state.rollback?.barrier?.target;
}

/** Without a terminal, a run rolled back to a barrier goes further only with `--past` naming it. */
function refuseNothingBeforeBarrier(state: RunState, plan: Plan, req: ContinueRequest, passed: ReadonlyMap<string, BarrierPassed>): void {
  if (state.status !== "rolled_back_to") return;
  const scope = rollbackScope(withPassed(state, passed), plan);
  if (!nothingNew(state, scope)) return;
  const b = scope.barrier;
  throw new RunRefusedError(`run ${req.runId} was rolled back to ${b?.target ?? "an irreversible step"}${b ? `, which is irreversible (${b.reason})` : ""}; what came before it is still in place`, {
    exitCode: EXIT.findings,
    ...(b ? { hint: `To undo that too, knowing what it risks: runbook rollback ${req.runId} --past ${b.target}` } : {}),
  });
}

/** Refuses, before anything runs, a partial run that would fail half way for want of a captured value. */
function refuseMissingCaptures(skipped: readonly SkippedCapture[], given: ReadonlyMap<string, string>): void {
  const e = missingCapturesError(skipped, given);
  if (e) throw e;
}

/** Captured values a partial run needs: given with -p, else asked for at the terminal. */
async function askCaptures(skipped: readonly SkippedCapture[], given: ReadonlyMap<string, string>, ask: AskParam | undefined, signal: AbortSignal): Promise<Map<string, string>> {
  const values = new Map(given);
  for (const c of skipped) {
    if (values.has(c.name)) continue;
    if (!ask) refuseMissingCaptures([c], values);
    const description = `captured by step ${c.producer}, which this run skips; ${c.readers.join(", ")} read${c.readers.length === 1 ? "s" : ""} it`;
    values.set(c.name, await ask!({ name: c.name, description, secret: c.secret, validate: (v) => (controlCharacterIn(v) ? "control characters are not allowed" : undefined) }, signal));
  }
  return values;
}

/** The journal's first event: which run, which runbook (and so which lock). */
function firstEvent(world: World, runId: string): EventOf<"run_started"> {
  if (!world.store.exists(runId)) {
    const recent = world.store.list().slice(-5);
    throw new UsageError(`no run ${runId} in ${world.store.location}`, { hint: recent.length ? `Recent runs: ${recent.join(", ")}` : "See `runbook runs`." });
  }
  return readRun(world.store, runId, undefined, 1).state.started;
}

/** A run with nothing left to do for this command: says so and gives the exit code. */
function alreadyOver(req: ContinueRequest, state: RunState, world: World): number | undefined {
  const id = req.runId;
  // `runbook close` ended it: nobody goes on with it (docs/handoff.md).
  if (state.status === "closed") throw new RunRefusedError(`run ${id} was closed by ${printableLine(state.ended?.by ?? "?")} (${printableLine(state.ended?.note ?? "")}); it cannot be ${req.mode === "resume" ? "resumed" : "rolled back"}`, { hint: "Start a new run instead; `runbook log " + id + "` shows what the closed one did." });
  if (req.mode === "resume") {
    if (state.status === "completed") return (world.print(`Run ${id} already completed; nothing to resume.\n`), EXIT.ok);
    if (state.status === "rolled_back" || state.status === "rollback_failed" || state.status === "rolled_back_to") throw new RunRefusedError(`run ${id} was rolled back; start a new run instead`);
    if (state.rollback) {
      const done = state.rollback.targets.filter((t) => state.rollback?.results.has(t));
      const left = state.rollback.targets.filter((t) => !state.rollback?.results.has(t));
      throw new RunRefusedError(`a rollback of run ${id} was interrupted: undone ${done.length ? done.join(", ") : "nothing yet"}; not yet ${left.join(", ")}`, { hint: `Continue the rollback: runbook rollback ${id}` });
    }
    return undefined;
  }
  if (state.status === "rolled_back") return (world.print(`Run ${id} was already rolled back.\n`), EXIT.ok);
  if (state.status === "rollback_failed") throw new RunRefusedError(`run ${id} was already rolled back, and some rollback blocks failed`, { hint: `See \`runbook log ${id}\` and check the system by hand.` });
  return undefined;
}

/** Refuses, before anything is journaled, a continuation that would need a person where there is none. */
function refuseWithoutOperator(req: ContinueRequest, state: RunState, plan: Plan): void {
  if (req.interactive) return;
  // With `parallel:`, several steps may have been cut short at once: each is named.
  // A step on a group names its hosts cut short: the flag is about them, not the hosts not reached.
  const cut = req.mode === "resume" && interruptedStep(state) ? stepList(state).filter((s) => s.status === "interrupted" || s.status === "running").map((s) => s.id + cutHosts(s)) : [];
  const cutRollback = state.rollback && [...state.rollback.attempts].some(([t, a]) => a.result === undefined && !state.rollback?.results.has(t));
  if ((cut.length || cutRollback) && !req.policy.interrupted) {
    // Reserved by a runner in another state folder, with no start on record: said apart, they may never have run.
    const unconfirmed = stepList(state).filter((s) => s.unconfirmed !== undefined);
    const why = unconfirmed.length ? `; of them, ${unconfirmed.map((s) => s.id).join(", ")} ${unconfirmed.length === 1 ? "has" : "have"} no start on record: ${unconfirmed[0]!.unconfirmed}'s runner had reserved ${unconfirmed.length === 1 ? "it" : "them"} and may have begun ${unconfirmed.length === 1 ? "it" : "them"} after its last push` : "";
    throw new RunRefusedError(`${cut.length ? `step${cut.length === 1 ? "" : "s"} ${cut.join(", ")} ${cut.length === 1 ? "was" : "were"}` : "a rollback block was"} interrupted and ${cut.length > 1 ? "their outcomes are" : "its outcome is"} unknown${why}`, {
      hint: "Say what to do with --rerun-interrupted, --skip-interrupted or --mark-interrupted-done (each applies to all of them; in a terminal, each step is asked about in turn).",
    });
  }
  if (req.mode === "resume" && !req.policy.yes) {
    const finished = new Set(stepList(state).filter((s) => s.status === "done" || s.status === "skipped" || s.status === "assumed").map((s) => s.id));
    const pending = stepsNeedingOperator(plan).filter((s) => !finished.has(s.id));
    if (pending.length) throw new RunRefusedError(`no terminal to answer for ${pending.map((s) => s.id).join(", ")}`, { hint: "Run it in a terminal, or pass --yes." });
  }
}

/** ` (hosts cut short: app-3, app-4)` for a step on a group (the state as taken over); empty for a step run here. */
function cutHosts(s: StepState): string {
  const hosts = [...s.hosts.values()].filter((h) => h.status === "interrupted").map((h) => h.host);
  return hosts.length ? ` (host${hosts.length === 1 ? "" : "s"} cut short: ${hosts.join(", ")})` : "";
}

/** Variables the runbook declares under `env:` must be set before anything runs (their values are never journaled). */
function refuseMissingEnv(prepared: Prepared, world: World): void {
  const missing = missingEnv(prepared.runbook.meta?.env ?? [], world.env);
  if (missing.length) {
    throw new RunRefusedError(`${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set, and the runbook needs ${missing.length === 1 ? "it" : "them"} (env: in its frontmatter)`, { hint: "Set them in this shell (export NAME=…), then run again." });
  }
}

/**
 * After a runner was killed, the process group of the block it was running may still be alive:
 * stop it before anything runs again, so a step never runs twice at once. That is this run's own
 * block when taking it over, and the block of whatever run held the lock before.
 */
async function stopLeftovers(world: World, lock: Lock, state: RunState | undefined, notice: (t: string) => void): Promise<void> {
  const before = lock.tookOverFrom;
  if (before) notice(lock.takeover ?? `took over the lock of run ${before.runId} (pid ${before.pid} on ${before.host} is gone)`);
  const runs: RunState[] = state ? [state] : [];
  if (before && before.runId !== state?.started.runId && world.store.exists(before.runId)) {
    try {
      runs.push(readRun(world.store, before.runId).state);
    } catch {
      // Its journal is unreadable: nothing recorded to stop.
    }
  }
  for (const s of runs) {
    // A process group recorded on another machine (a shared run taken over) is not this machine's to stop.
    if ((s.sessions.at(-1)?.host ?? s.started.host) !== world.host) continue;
    // One per host of a step on a group that was in flight: each `ssh` is stopped before anything runs again.
    for (const open of openProcesses(s)) await stopLeftover(world, s, state, open, notice);
  }
}

async function stopLeftover(world: World, s: RunState, state: RunState | undefined, open: OpenProcess, notice: (t: string) => void): Promise<void> {
  const tag = blockTag(s.started.runId, open.host === undefined ? open.target : `${open.target}@${open.host}`, open.phase, open.attempt);
  const where = open.host === undefined ? open.target : `${open.target} on ${open.host}`;
  const outcome = await world.processes.stopLeftover(open.pid, open.startTime, world.graceMs, tag);
  if (outcome === "stuck") {
    const see = open.pid === null ? `grep -l RUNBOOK_BLOCK=${tag} /proc/*/environ` : `ps -o pid,stat,cmd -g ${open.pid}`;
    throw new RunRefusedError(`${open.pid === null ? "processes" : `process group ${open.pid}`} left running by ${where} would not stop, even after SIGKILL; nothing was started, so it cannot run twice at once`, { hint: `See ${open.pid === null ? "them" : "it"} with \`${see}\`; once gone, run the command again.` });
  }
  const what = open.pid === null ? "the processes (found by their RUNBOOK_BLOCK tag)" : `process group ${open.pid}`;
  if (outcome === "stopped") notice(`stopped ${what} left running by ${s.started.runId === state?.started.runId ? "the interrupted" : `run ${s.started.runId}'s`} ${where}`);
}

/** A drill that did every step becomes a verification; one that did not says why in the journal. */
async function recordDrill(journal: RunJournal, file: string, commit: boolean, world: World, drill: DrillAllowance | undefined): Promise<void> {
  const shortfall = drillShortfall(journal.state, drill);
  if (shortfall) {
    journal.append({ type: "verification_skipped", reason: shortfall });
    return;
  }
  try {
    const v = await world.git.recordVerification(file, { date: new Date(world.clock.now()).toISOString().slice(0, 10), by: await world.git.verifier(file) }, commit);
    const said = drill ? drillAssumptions(journal.state, drill) : { assumed: [], skipped: [] };
    journal.append({ type: "verification_recorded", date: v.date, by: v.by, commit: v.committed ?? null, ...(said.assumed.length ? { assumed: said.assumed } : {}), ...(said.skipped.length ? { skipped: said.skipped } : {}) });
  } catch (e) {
    journal.append({ type: "verification_skipped", reason: `could not record it: ${(e as Error).message}` });
  }
}

/** A question or prompt cut short by an interruption gives undefined; any other failure stays one. */
function unlessInterrupted(signal: AbortSignal) {
  return (e: unknown): undefined => {
    if (signal.aborted) return undefined;
    throw e;
  };
}

/**
 * Handles SIGINT, SIGTERM and SIGHUP for the whole session, from its first moment: a signal aborts
 * the session's signal, which stops the running block and journals the interruption.
 */
async function withSignals(world: World, body: (signal: AbortSignal, stop: () => void) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  const remove = world.onSignal((s) => controller.abort(s));
  try {
    return await body(controller.signal, () => controller.abort("SIGINT"));
  } finally {
    remove();
  }
}
