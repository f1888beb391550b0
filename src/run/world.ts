import type { Plan } from "./plan.js";
import type { EventOf, JournalEvent, NewEventOf } from "../journal/events.js";
import type { Ports } from "../journal/ports.js";
import type { Ask, Operator } from "./ask.js";
import type { ReviewParams } from "./param-review.js";
import type { AskParam } from "./params.js";
import type { RunState } from "./state.js";
import type { OfferHandover } from "./handover.js";
import type { TargetIo } from "./targets.js";

// The ports live below both the run and the state (journal/ports.ts); named here too, for the run's callers.
export type { Clock, Git, HandoverRecord, JournalStore, Lock, LockHolder, Locks, NoteInbox, Ports, Processes, QueuedNote } from "../journal/ports.js";

/**
 * Everything a run session touches outside itself: the machine (`Ports`, journal/ports.ts, below
 * both the run and the state) and the screen side, named in the run's own types.
 */
export interface World extends Ports {
  /** Opens the screen side of a run: the terminal UI, plain lines, or JSON Lines. */
  openFrontEnd(plan: Plan, onStop: () => void): Promise<FrontEnd>;
  /** Reads inventories and runs the commands that list hosts (`targets:`); the real ones when not given. */
  readonly targetIo?: TargetIo | undefined;
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
