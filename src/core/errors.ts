/**
 * The one error taxonomy. Every error a user can cause is a `RunbookError`: it carries the exit code
 * the CLI returns and a message that says what to do. The CLI has one catch point (cli/main.ts);
 * anything else that escapes is a bug and exits with `EXIT.internal`.
 */

/** Exit codes are part of the CLI's contract (README, `runbook --help`). */
export const EXIT = {
  ok: 0,
  /** Lint or stale findings at error level; a step failed (rolled back or not). */
  findings: 1,
  /** Bad usage, unreadable input, or a run that could not start. */
  usage: 2,
  /** The operator aborted the run. */
  aborted: 3,
  /** A bug in runbook itself (sysexits' EX_SOFTWARE). */
  internal: 70,
  /** Stopped by SIGINT, SIGTERM or SIGHUP; resumable. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the user can act on: printed as one message (and a hint), never with a stack. */
export class RunbookError extends Error {
  override name = "RunbookError";
  readonly exitCode: number;
  /** What to do about it, printed on its own line. */
  readonly hint: string | undefined;
  /** Printed before the message as it is: findings, a list of what is wrong. */
  readonly details: string | undefined;

  constructor(message: string, options: { exitCode?: number; hint?: string; details?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? EXIT.usage;
    this.hint = options.hint;
    this.details = options.details;
  }
}

/** Bad flags or arguments: a missing file, an unknown run id, flags that do not go together. */
export class UsageError extends RunbookError {
  override name = "UsageError";
}

/** Input that cannot be used: an unreadable file, a bad config, a runbook with lint errors. */
export class InputError extends RunbookError {
  override name = "InputError";
}

/** A run that cannot start or continue as asked: locked, changed since it started, needs a terminal. */
export class RunRefusedError extends RunbookError {
  override name = "RunRefusedError";
}

/**
 * A journal that cannot be read or written. Reading one that is damaged refuses it (exit 2); failing
 * to write one during a run stops the run (exit 1: nothing may run unrecorded).
 */
export class JournalError extends RunbookError {
  override name = "JournalError";
}

/** A line in the middle of a journal is damaged: the journal cannot be trusted, so it is refused. */
export class JournalCorruptError extends JournalError {
  override name = "JournalCorruptError";
}

/** The message for an error nobody planned for, and whether to show its stack. */
export function describeUnexpected(error: unknown, debug: boolean): string {
  const e = error instanceof Error ? error : new Error(String(error));
  const lines = [`runbook: internal error: ${e.message}`];
  lines.push(debug ? (e.stack ?? "") : "This is a bug in runbook. Run again with --debug for the stack, and please report it.");
  return `${lines.join("\n")}\n`;
}
