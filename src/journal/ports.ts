import type { EventOf, JournalEvent, NewEventOf } from "./events.js";
import type { JournalSink, ScanResult } from "./store.js";
import type { ProcessRunner } from "../system/process-runner.js";

/**
 * The ports: what a run and the state below it touch outside themselves, as interfaces. They live
 * here, below both the run (`run/`, which uses them) and the state (`state/`, which implements them
 * on files and on the git remote), so neither imports the other to name them. Only journal types
 * are named: no fold, no screen, no command line. `Ports` is the machine a session runs on; the
 * World (run/world.ts) is `Ports` and the screen side, whose types are the run's (its state, its
 * questions).
 */

/**
 * The machine a run session is given: where runs are journaled, the locks, processes, time, git,
 * signals and the operator's name. `main` builds the real one once (cli/real-world.ts); tests pass
 * fakes (an in-memory store, a scripted runner, a fixed clock) for fast cases and keep one real test
 * per kind of process or file behaviour.
 */
export interface Ports {
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
}

/** Time, for the engine and the locks: tests pass a fixed one. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  random(): number;
}

/** Who holds a lock: a run, its operator, and the process that took it. */
export interface LockHolder {
  readonly runId: string;
  readonly user: string;
  readonly host: string;
  readonly pid: number;
  readonly startTime: string | null;
  readonly startedAt: string;
}

export interface Lock {
  readonly file: string;
  /** Set when a dead holder's lock was taken over: its run may have left a step's processes behind. */
  readonly tookOverFrom: LockHolder | undefined;
  /** How the takeover reads, when the default ("pid N on H is gone") would not be true (an expired lease). */
  readonly takeover?: string;
  release(): void | Promise<void>;
  /**
   * Asked before each block starts: resolves when the run may go on (a shared lock whose lease is
   * renewed), waits while it may not, rejects when the lock was lost. What it resolves to, if
   * anything, is a note to journal (such as going on offline). `published`: the block must be known
   * elsewhere to have begun before it starts (every block of a shared run): a shared lock waits until the
   * remote has every event journaled so far (a number: that many bytes of it).
   */
  gate?(signal: AbortSignal, o?: { readonly published?: boolean | number }): Promise<string | undefined>;
  /**
   * A shared lock: pushes the journal as it is now (in the background) and returns its length in
   * bytes; `gate(…, {published: length})` later waits until the remote has at least that much.
   */
  mark?(): number;
  /** Asked before the run's end is journaled: rejects when the lock is found lost (a shared lock pushes once to know). */
  settle?(): Promise<void>;
  /**
   * The holder handed the run over (docs/handoff.md): the release that follows leaves the lock to
   * `to` alone until the lease would have run out (anyone, when null). A shared lock only.
   */
  handOver?(to: string | null): void;
}

export interface Locks {
  /** Takes the runbook's lock for a run; a shared lock (docs/handoff.md) asks the git remote first. */
  acquire(runbookId: string, me: { runId: string; user: string; startedAt: string }, force: boolean): Lock | Promise<Lock>;
  /** Whether a holder is a live process (on another host: assumed live). */
  alive(holder: LockHolder): boolean;
}

/** A note left on a run while another process was writing its journal; that process journals it. */
export interface QueuedNote {
  /** Unique and sortable: when it was written, then random. The note event keeps it (`queued.id`). */
  readonly id: string;
  readonly at: string;
  readonly by: string;
  readonly text: string;
}

/**
 * Notes waiting for a live run's runner. Only the journal's writer journals them (then drops them),
 * so a live run's journal still has one writer.
 */
export interface NoteInbox {
  /** Who holds the journal's writer lock now, if anyone (alive or not: the caller asks). */
  writer(runId: string): LockHolder | undefined;
  queue(runId: string, note: { by: string; text: string; at: string }): QueuedNote;
  /** Oldest first; a file that is not a whole note is left alone. */
  queued(runId: string): QueuedNote[];
  drop(runId: string, id: string): void;
  /**
   * While a runner writes the run: keeps looking for what others left for it elsewhere (a shared
   * run's notes ref, fetched in the background) so that `queued` and `requests` include it.
   */
  watch?(runId: string): { stop(): void };
  /** Requests to hand the run over, and grants of one, left for its runner (a shared run's notes ref), oldest first. */
  requests?(runId: string): HandoverRecord[];
}

/** `by` asks the holder to hand the run over (`runbook handover`), or the holder grants it `to` someone (`runbook release`). */
export interface HandoverRecord {
  readonly id: string;
  readonly kind: "handover" | "grant";
  readonly by: string;
  readonly host: string;
  readonly at: string;
  readonly text: string;
  readonly to?: string;
}

/** Reads a journal as a stream, calling `onEvent` for each event; never changes it. */
export type ScanJournal = (onEvent: (e: JournalEvent) => void) => ScanResult;

/** Where runs are journaled: the state folder's `runs/`, or memory in tests. */
export interface JournalStore {
  /** The state folder, for messages. */
  readonly location: string;
  /** The state folder's own id (made once, kept): a journal is whole only in the folder that wrote it. */
  folderId(): string;
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

export interface Processes {
  /**
   * Stops what a dead runner left of a block: its process group, unless the pid is now another
   * process's, and the processes carrying its tag that left the group.
   */
  stopLeftover(pid: number | null, startTime: string | null, graceMs: number, tag?: string): Promise<"none" | "stopped" | "not-ours" | "stuck">;
}

/** What a run asks of git about its runbook file. */
export interface Git {
  state(file: string): Promise<{ commit: string; dirty: boolean } | null>;
  assertCommittable(file: string): Promise<void>;
  recordVerification(file: string, v: { date: string; by: string }, commit: boolean): Promise<{ date: string; by: string; committed: string | undefined }>;
  /** Who a verification of this file names: git's user.name, else the operator (the same for `verify`). */
  verifier(file: string): Promise<string>;
}
