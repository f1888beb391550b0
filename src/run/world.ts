import type { Plan } from "./plan.js";
import type { ProcessRunner } from "../system/process-runner.js";
import type { EventOf, JournalEvent, NewEventOf } from "../journal/events.js";
import type { JournalSink, ScanResult } from "../journal/store.js";
import type { Lock, LockHolder } from "../state/lock.js";
import type { NoteInbox } from "../state/note-inbox.js";
import type { Ask, Operator } from "./ask.js";
import type { Clock } from "./engine.js";
import type { ReviewParams } from "./param-review.js";
import type { AskParam } from "./params.js";
import type { RunState } from "./state.js";

/**
 * Everything a run session touches outside itself. `main` builds the real one once; tests pass
 * fakes (an in-memory store, a scripted runner, a fixed clock) for fast cases and keep one real test
 * per kind of process or file behaviour.
 */
export interface World {
  readonly store: JournalStore;
  readonly locks: Locks;
  readonly runner: ProcessRunner;
  readonly processes: Processes;
  readonly clock: Clock;
  readonly git: Git;
  readonly host: string;
  readonly pid: number;
  /** Who is running this: RUNBOOK_OPERATOR, else the login name. */
  readonly operator: string;
  /** Calls `handler` on SIGINT, SIGTERM and SIGHUP; returns what removes it. */
  onSignal(handler: (signal: string) => void): () => void;
  /** The environment blocks inherit. */
  readonly env: Readonly<Record<string, string>>;
  /** Between TERM and KILL when a block is stopped. */
  readonly graceMs: number;
  /** Bytes of output journaled per attempt of a block (`output_limit`, `RUNBOOK_OUTPUT_LIMIT`); the engine's default when not set. */
  readonly outputLimit?: number | undefined;
  /** A line for the operator that is not part of a run's screen (stderr). */
  notice(text: string): void;
  /** A short answer that is the command's output (stdout), such as "already completed". */
  print(text: string): void;
  /** Opens the screen side of a run: the terminal UI, plain lines, or JSON Lines. */
  openFrontEnd(plan: Plan, onStop: () => void): Promise<FrontEnd>;
  /** The team's chat (config `notify:`); undefined when no webhook is configured. */
  readonly notifications?: Notifications | undefined;
}

/**
 * Tells webhooks of a run's moments (started, waiting for an answer, a step failed, ended). Posting
 * happens in the background: nothing here is awaited by a step, and a webhook that is down changes
 * neither the run's outcome nor its exit code.
 */
export interface Notifications {
  /** Starts telling of one run; `record` journals each delivery's outcome (sent, or given up and why). */
  open(run: { readonly runId: string; readonly plan: Plan; readonly mask: (text: string) => string }, record: (outcome: NewEventOf<"notified">) => void): RunNotifier;
}

export interface RunNotifier {
  /** Sees every event once it is journaled and applied. */
  onEvent(event: JournalEvent, state: RunState): void;
  /** A person is asked something; the returned function says it was answered. */
  asked(question: Ask): () => void;
  /** The run has ended: waits at most `ms` for posts in flight; retries not yet due are given up. */
  finish(ms: number): Promise<void>;
}

/** Where runs are journaled: the state folder's `runs/`, or memory in tests. */
export interface JournalStore {
  /** The state folder, for messages. */
  readonly location: string;
  pathOf(runId: string): string;
  exists(runId: string): boolean;
  /** Run ids, oldest first. */
  list(): string[];
  /** A new journal holding its first event, created all at once. */
  create(runId: string, first: NewEventOf<"run_started">): { sink: JournalSink; event: EventOf<"run_started"> };
  /** Reads a journal as a stream (at most `limit` events); never changes it. */
  scan(runId: string, onEvent: (e: JournalEvent) => void, limit?: number): ScanResult;
  /** Continues a journal: only with the runbook's lock held (a torn tail is cut off). */
  continue(runId: string, scanned: ScanResult): JournalSink;
  /** Notes left while another process writes a run's journal; its writer journals them. */
  readonly notes: NoteInbox;
}

export interface Locks {
  /** Takes the runbook's lock for a run; a shared lock (docs/handoff.md) asks the git remote first. */
  acquire(runbookId: string, me: { runId: string; user: string; startedAt: string }, force: boolean): Lock | Promise<Lock>;
  /** Whether a holder is a live process (on another host: assumed live). */
  alive(holder: LockHolder): boolean;
}

export interface Processes {
  /**
   * Stops what a dead runner left of a block: its process group, unless the pid is now another
   * process's, and the processes carrying its tag that left the group.
   */
  stopLeftover(pid: number, startTime: string | null, graceMs: number, tag?: string): Promise<"none" | "stopped" | "not-ours" | "stuck">;
}

export interface Git {
  state(file: string): Promise<{ commit: string; dirty: boolean } | null>;
  assertCommittable(file: string): Promise<void>;
  recordVerification(file: string, v: { date: string; by: string }, commit: boolean): Promise<{ date: string; by: string; committed: string | undefined }>;
  /** Who a verification of this file names: git's user.name, else the operator (the same for `verify`). */
  verifier(file: string): Promise<string>;
}

/** The screen side of a run. It only shows and asks; it never runs anything. */
export interface FrontEnd {
  /** Sees every event once it is journaled and applied. */
  onEvent(event: JournalEvent, state: RunState): void;
  /** Shows a run taken over (resume, rollback) as it stands, with the answers its journal holds. */
  show(state: RunState, answers: ReadonlyArray<EventOf<"answer">>): void;
  /** Something the operator should know that is not an event (a lock taken over, a process stopped). */
  notice(text: string): void;
  /** Asks the engine's questions; `nobody` without a terminal. */
  readonly operator: Operator;
  /** Undefined without a person to ask. */
  readonly askParam: AskParam | undefined;
  /** Every param before the run starts, to look at and change; absent where nobody can (plain lines, JSON). */
  readonly reviewParams?: ReviewParams | undefined;
  /** The summary, and the terminal given back. */
  finish(state: RunState | undefined, journal: string | undefined): Promise<void>;
}
