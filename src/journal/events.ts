import { z } from "zod";

/**
 * Bumped when an event's meaning changes or an event is added; readers refuse versions they do not
 * know, so an older runbook says "a newer runbook wrote it" instead of calling the line damaged.
 * Version 2 added the runbook's repository-relative path, `--from`/`--only`, the skip-undo and
 * rollback questions, the `assumed` step status, captures on the attempt that made them, and
 * `rollback_started.cause`. Version 3 added `note`; version 4 its `queued` (a note left while the run
 * was live, journaled by its runner). Version 5 added the irreversible barrier of a rollback (the
 * `barrier` question, `rollback_started.barrier`/`beyond`, the `rolled_back_to` end), steps assumed
 * done by a flag (`step_finished.by: "flag"`), `options.confirmIrreversible`, and `runbook close`
 * (the `closed` end, with `by`). Version 6 added drills (`runbook drill`): `options.drill`, and the
 * steps a drill assumed and left out on `verification_recorded`; `run_started.approval` and
 * `run_started.breakGlass` (docs/approvals.md); and the `notified` event. Version 7 added
 * handovers of a live shared run: `handover_asked` and `released` (docs/handoff.md), and steps on
 * groups of hosts over SSH (docs/format.md#targets): `run_started.targets` (the hosts of each group,
 * resolved once before the run), and `host` on the attempt events, `output`, `step_finished` (one
 * host's end) and `rollback_finished` (one host's undo). Version 8 added the `reserved` event (steps
 * a shared run may start before the remote has their `attempt_started`) and `folder` on `run_started`
 * and `run_resumed` (which state folder wrote the session: only there is its journal whole), and
 * approvals before steps (`approvals.steps`, docs/approvals.md): `run_started.approvalAt` and the
 * `approval_checked` event. Older journals are still read: every event
 * of a version is a valid event of the next.
 */
export const JOURNAL_VERSION = 8;
export const READABLE_VERSIONS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8];

const base = { v: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(6), z.literal(7), z.literal(8)]), seq: z.number().int().positive(), ts: z.string() };
export const phaseSchema = z.enum(["check", "command", "verify", "rollback"]);

/** One attempt of one block, as recorded. A failed attempt looks like a passed one. */
const attemptResult = {
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number().nonnegative(),
  error: z.string().optional(),
};

/** A value a step captured from its stdout. A secret one is never stored: `value` is null. */
const capture = z.strictObject({ name: z.string(), value: z.string().nullable(), secret: z.boolean() });

/** An approved plan a run used (docs/approvals.md): its id, who asked, who signed, its commit, its expiry. */
const approvalRecord = { plan: z.string(), requester: z.string(), approvers: z.array(z.string()), commit: z.string(), expiresAt: z.string() };

/** What a run or a rollback refers to: a prerequisite check, a step, or the runbook's ## Rollback block. */
const target = z.string();

/** The SSH destination an attempt ran on (version 7), for a step on a group; absent for a block run here. */
const host = z.string().optional();

/**
 * `barrier` (version 5): a rollback reached a completed irreversible step; its answer `past` is a
 * person (or `runbook rollback --past <step>`) going past it, so what came before it is undone too.
 */
export const QUESTIONS = ["confirm", "manual", "failed", "interrupted", "undo_before_skip", "rollback", "barrier"] as const;

export const eventSchema = z.discriminatedUnion("type", [
  z.strictObject({
    ...base,
    type: z.literal("run_started"),
    runId: z.string(),
    runbook: z.strictObject({
      id: z.string(),
      /** Absolute path where the run was started. */
      file: z.string(),
      /** The same file relative to `base`: how another checkout finds it (version 2). */
      path: z.string().optional(),
      base: z.enum(["repository", "state"]).optional(),
      sha256: z.string(),
      title: z.string().nullable(),
    }),
    git: z.strictObject({ commit: z.string(), dirty: z.boolean() }).nullable(),
    operator: z.string(),
    host: z.string(),
    pid: z.number().int(),
    /** The state folder that writes this session's journal (version 8): the journal is whole only there. */
    folder: z.string().optional(),
    /** Param values, with secrets replaced by ***. */
    params: z.record(z.string(), z.string()),
    secrets: z.array(z.string()),
    /** Names of inherited environment variables the runbook declares (values are never stored). */
    env: z.array(z.string()).optional(),
    /**
     * Values given for what steps this run skips (`--from`, `--only`) would have captured, which steps it
     * runs read (version 5); a secret one by name only (`value` null), given again at a resume.
     */
    captures: z.array(capture).optional(),
    /** The approved plan this run used (docs/approvals.md): who asked, who signed; absent for runs that needed none. */
    approval: z.strictObject(approvalRecord).optional(),
    /** `--break-glass "reason"`: a run that needed approval and went without it, and why. */
    breakGlass: z.strictObject({ reason: z.string(), needed: z.boolean() }).optional(),
    /**
     * The steps this run may begin only with an approved plan (version 8, `approvals.steps`): the run
     * starts without one and stops at the first of them until a plan is verified (`approval_checked`).
     */
    approvalAt: z.array(z.string()).optional(),
    /** The hosts of each group the run's steps name with `on=` (version 7), resolved once before it starts. */
    targets: z.record(z.string(), z.array(z.string())).optional(),
    /** Which of those groups each step on a group runs on (version 7): `on=$TARGET` as the param chose it. */
    on: z.record(z.string(), z.string()).optional(),
    order: z.array(z.string()),
    options: z.strictObject({
      onFailure: z.enum(["abort", "rollback", "ask"]),
      yes: z.boolean(),
      record: z.boolean(),
      /** `--from`: steps before it are assumed done by the operator. */
      from: z.string().optional(),
      /** `--only`: every other step is assumed done by the operator. */
      only: z.array(z.string()).optional(),
      /** `--confirm-irreversible`: the irreversible steps `--yes` may take (version 5). */
      confirmIrreversible: z.array(z.string()).optional(),
      /** Started by `runbook drill` (version 6): unattended, with the runbook's own `drill:` settings (docs/drills.md). */
      drill: z.boolean().optional(),
    }),
  }),
  z.strictObject({
    ...base,
    type: z.literal("run_resumed"),
    operator: z.string(),
    host: z.string(),
    pid: z.number().int(),
    /** The state folder that writes this session's journal (version 8); see `run_started.folder`. */
    folder: z.string().optional(),
    forced: z.boolean(),
    /** `rollback` when `runbook rollback` took the run over. */
    mode: z.enum(["resume", "rollback"]).optional(),
    /** Where the runbook was found this time, when not where the run started. */
    file: z.string().optional(),
    sha256: z.string().optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal("attempt_started"),
    target,
    host,
    phase: phaseSchema,
    attempt: z.number().int().positive(),
    /** 0 for a first try, n for the nth automatic retry (`retries=`), so retries count across a resume. */
    retry: z.number().int().nonnegative().optional(),
  }),
  /** The attempt's process group, so a resume after a crash can make sure it is gone. */
  z.strictObject({ ...base, type: z.literal("attempt_spawned"), target, host, phase: phaseSchema, attempt: z.number().int().positive(), pid: z.number().int(), startTime: z.string().nullable() }),
  z.strictObject({ ...base, type: z.literal("output"), target, host, phase: phaseSchema, stream: z.enum(["stdout", "stderr"]), text: z.string() }),
  z.strictObject({
    ...base,
    type: z.literal("attempt_finished"),
    target,
    host,
    phase: phaseSchema,
    attempt: z.number().int().positive(),
    ...attemptResult,
    retryInMs: z.number().nonnegative().nullable(),
    /** Stopped because the run was interrupted (a signal, Ctrl-C twice): its outcome is unknown (version 2). */
    interrupted: z.boolean().optional(),
    /** What a successful command captured (version 2; version 1 put it on step_finished). */
    capture: capture.optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal("step_finished"),
    target,
    /** One host of a step on a group is done or failed (version 7); the step's own end comes once all are. */
    host,
    status: z.enum(["done", "failed", "skipped", "assumed"]),
    /**
     * How the outcome was decided: by running it, by the operator (skip, mark done, --from/--only), at
     * a resume, or by a flag (`flag`, version 5: a manual step `--yes` answered, assumed done).
     */
    by: z.enum(["run", "operator", "resume", "flag"]),
    capture: capture.optional(),
  }),
  z.strictObject({ ...base, type: z.literal("answer"), target, question: z.enum(QUESTIONS), answer: z.string(), by: z.string() }),
  z.strictObject({ ...base, type: z.literal("check_finished"), target, status: z.enum(["passed", "failed"]) }),
  z.strictObject({
    ...base,
    type: z.literal("rollback_started"),
    reason: z.string(),
    /** In the order they will be rolled back. */
    targets: z.array(target),
    /** `request`: `runbook rollback` (a clean rollback exits 0); `failure`: a step failed (exits 1). */
    cause: z.enum(["failure", "request"]).optional(),
    /** The completed irreversible step the rollback stops at (version 5): nothing before it is undone. */
    barrier: z.strictObject({ target, reason: z.string() }).optional(),
    /** What the barrier leaves as it is, newest first (version 5). */
    beyond: z.array(target).optional(),
  }),
  z.strictObject({ ...base, type: z.literal("rollback_finished"), target, host, status: z.enum(["rolled_back", "failed", "none"]), note: z.string().optional() }),
  z.strictObject({ ...base, type: z.literal("run_interrupted"), signal: z.string(), target: target.nullable() }),
  z.strictObject({
    ...base,
    type: z.literal("run_finished"),
    /**
     * `rolled_back_to` (version 5): the rollback stopped at an irreversible step (`rollback_started.barrier`);
     * `closed` (version 5): `runbook close` ended a run nobody will go on with, `by` whom, `note` why.
     */
    status: z.enum(["completed", "failed", "aborted", "rolled_back", "rolled_back_to", "rollback_failed", "closed"]),
    exitCode: z.number().int(),
    note: z.string().optional(),
    by: z.string().optional(),
  }),
  z.strictObject({
    ...base, type: z.literal("verification_recorded"), date: z.string(), by: z.string(), commit: z.string().nullable(),
    /** A drill's (version 6): manual steps it assumed done (`drill.manual: assume`) and steps it left out (`drill_skip`). */
    assumed: z.array(z.string()).optional(),
    skipped: z.array(z.string()).optional(),
  }),
  z.strictObject({ ...base, type: z.literal("verification_skipped"), reason: z.string() }),
  /**
   * `runbook note`: words left on a run for whoever looks at it next (version 3); `ts` says when.
   * `queued` (version 4): left while the run was live, in its note inbox, and journaled by its runner;
   * `at` is when it was written, `id` keeps it from being journaled twice.
   */
  z.strictObject({ ...base, type: z.literal("note"), text: z.string(), by: z.string(), queued: z.strictObject({ id: z.string(), at: z.string() }).optional() }),
  /**
   * A webhook of the config's `notify:` told (or not) of a moment of the run (version 6). `hook` is its
   * name, never its URL; `given_up` says `why` (the last status or error, or that the run ended first).
   */
  z.strictObject({
    ...base,
    type: z.literal("notified"),
    hook: z.string(),
    on: z.enum(["started", "waiting", "failed", "handover", "ended"]),
    status: z.enum(["sent", "given_up"]),
    attempts: z.number().int().nonnegative(),
    why: z.string().optional(),
  }),
  /**
   * Someone asked the holder of a live shared run to hand it over (`runbook handover`, version 7): seen
   * by the runner on the run's notes ref, whose record `id` it keeps; `message` is theirs.
   */
  z.strictObject({ ...base, type: z.literal("handover_asked"), id: z.string(), by: z.string(), host: z.string(), message: z.string().optional() }),
  /**
   * The holder let the run go (version 7): granted by `by` (a key on the screen, `runbook release`, or
   * `--allow-handover`), at a step boundary, to `to`, who alone may resume it at once (anyone else
   * waits for the lease). A `run_interrupted` (signal `handover`) follows: the run is resumable.
   */
  z.strictObject({ ...base, type: z.literal("released"), to: z.string().nullable(), by: z.string(), how: z.enum(["key", "release", "allow-handover"]) }),
  /**
   * A shared run may start these steps' blocks before the remote has their `attempt_started` (version
   * 8): journaled and pushed before any of them starts, so that whoever takes the run over from
   * another state folder asks about each one with no start on record instead of running it again.
   * A step starts only if it is in a reservation the remote has, or once its own start is pushed.
   */
  z.strictObject({ ...base, type: z.literal("reserved"), targets: z.array(target) }),
  /**
   * An approved plan was verified before `target`, a step of `run_started.approvalAt` (version 8):
   * which plan, who asked and who signed, the commit whose allowed-signers file judged them.
   * Every step of `approvalAt` may begin from here on.
   */
  z.strictObject({ ...base, type: z.literal("approval_checked"), target, ...approvalRecord }),
]);

export type JournalEvent = z.output<typeof eventSchema>;
export type EventType = JournalEvent["type"];
export type Phase = z.output<typeof phaseSchema>;
export type Question = (typeof QUESTIONS)[number];
export type Capture = z.output<typeof capture>;
/** An event before the journal stamps its version, sequence number and time. */
export type NewEvent = JournalEvent extends infer E ? (E extends JournalEvent ? Omit<E, "v" | "seq" | "ts"> : never) : never;
export type EventOf<T extends EventType> = Extract<JournalEvent, { type: T }>;
export type ApprovalRecord = NonNullable<EventOf<"run_started">["approval"]>;
export type NewEventOf<T extends EventType> = Extract<NewEvent, { type: T }>;
