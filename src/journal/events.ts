import { z } from "zod";

/** Bumped when an event's meaning changes; readers refuse versions they do not know. */
export const JOURNAL_VERSION = 1;

const base = { v: z.literal(JOURNAL_VERSION), seq: z.number().int().positive(), ts: z.string() };
const phase = z.enum(["check", "command", "verify", "rollback"]);

/** One attempt of one block, as recorded. A failed attempt looks like a passed one. */
const attemptResult = {
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number().nonnegative(),
  error: z.string().optional(),
};

/** What a run or a rollback refers to: a prerequisite check, a step, or the runbook's ## Rollback block. */
const target = z.string();

export const eventSchema = z.discriminatedUnion("type", [
  z.strictObject({
    ...base,
    type: z.literal("run_started"),
    runId: z.string(),
    runbook: z.strictObject({ id: z.string(), file: z.string(), sha256: z.string(), title: z.string().nullable() }),
    git: z.strictObject({ commit: z.string(), dirty: z.boolean() }).nullable(),
    operator: z.string(),
    host: z.string(),
    pid: z.number().int(),
    /** Param values, with secrets replaced by ***. */
    params: z.record(z.string(), z.string()),
    secrets: z.array(z.string()),
    order: z.array(z.string()),
    options: z.strictObject({ onFailure: z.enum(["abort", "rollback", "ask"]), yes: z.boolean(), record: z.boolean() }),
  }),
  z.strictObject({ ...base, type: z.literal("run_resumed"), operator: z.string(), host: z.string(), pid: z.number().int(), forced: z.boolean() }),
  z.strictObject({ ...base, type: z.literal("attempt_started"), target, phase, attempt: z.number().int().positive() }),
  /** The attempt's process group, so a resume after a crash can make sure it is gone. */
  z.strictObject({ ...base, type: z.literal("attempt_spawned"), target, phase, attempt: z.number().int().positive(), pid: z.number().int(), startTime: z.string().nullable() }),
  z.strictObject({ ...base, type: z.literal("output"), target, phase, stream: z.enum(["stdout", "stderr"]), text: z.string() }),
  z.strictObject({ ...base, type: z.literal("attempt_finished"), target, phase, attempt: z.number().int().positive(), ...attemptResult, retryInMs: z.number().nonnegative().nullable() }),
  z.strictObject({
    ...base,
    type: z.literal("step_finished"),
    target,
    status: z.enum(["done", "failed", "skipped"]),
    /** How the outcome was decided: by running it, or by the operator (skip, mark done). */
    by: z.enum(["run", "operator", "resume"]),
    capture: z.strictObject({ name: z.string(), value: z.string().nullable(), secret: z.boolean() }).optional(),
  }),
  z.strictObject({ ...base, type: z.literal("answer"), target, question: z.enum(["confirm", "manual", "failed", "interrupted"]), answer: z.string(), by: z.string() }),
  z.strictObject({ ...base, type: z.literal("check_finished"), target, status: z.enum(["passed", "failed"]) }),
  z.strictObject({ ...base, type: z.literal("rollback_started"), reason: z.string(), targets: z.array(target) }),
  z.strictObject({ ...base, type: z.literal("rollback_finished"), target, status: z.enum(["rolled_back", "failed", "none"]), note: z.string().optional() }),
  z.strictObject({ ...base, type: z.literal("run_interrupted"), signal: z.string(), target: target.nullable() }),
  z.strictObject({
    ...base,
    type: z.literal("run_finished"),
    status: z.enum(["completed", "failed", "aborted", "rolled_back", "rollback_failed"]),
    exitCode: z.number().int(),
    note: z.string().optional(),
  }),
  z.strictObject({ ...base, type: z.literal("verification_recorded"), date: z.string(), by: z.string(), commit: z.string().nullable() }),
  z.strictObject({ ...base, type: z.literal("verification_skipped"), reason: z.string() }),
]);

export type JournalEvent = z.output<typeof eventSchema>;
export type EventType = JournalEvent["type"];
/** An event before the journal stamps its version, sequence number and time. */
export type NewEvent = JournalEvent extends infer E ? (E extends JournalEvent ? Omit<E, "v" | "seq" | "ts"> : never) : never;
export type EventOf<T extends EventType> = Extract<JournalEvent, { type: T }>;
