import type { Plan } from "./plan.js";
import type { ProcessRunner } from "../system/process-runner.js";
import type { EventOf, JournalEvent, NewEventOf } from "../journal/events.js";
import type { Clock, Git, JournalStore, Locks, Processes } from "../journal/ports.js";
import type { Ask, Operator } from "./ask.js";
import type { ReviewParams } from "./param-review.js";
import type { AskParam } from "./params.js";
import type { RunState } from "./state.js";
import type { OfferHandover } from "./handover.js";

// The ports live below both the run and the state (journal/ports.ts); named here too, for the run's callers.
export type { Clock, Git, HandoverRecord, JournalStore, Lock, LockHolder, Locks, NoteInbox, Processes, QueuedNote } from "../journal/ports.js";

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
  /** Someone asks to take a live shared run over: the screen offers a key that calls `grant`; absent where there is no key (words are said instead). */
  readonly offerHandover?: OfferHandover | undefined;
  /** The summary, and the terminal given back. */
  finish(state: RunState | undefined, journal: string | undefined): Promise<void>;
}
