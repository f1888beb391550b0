/** Exit codes are part of the CLI's contract; docs/cli.md lists them. */
export const EXIT = {
  ok: 0,
  /** Lint/stale findings at error level; a step failed. */
  findings: 1,
  /** Bad usage, unreadable input, or the tool could not start. */
  usage: 2,
  /** The operator aborted. */
  aborted: 3,
  /** SIGINT. */
  interrupted: 130,
} as const;

/** An error the user can act on: printed as one message, never with a stack. */
export class RunbookError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = "RunbookError";
  }
}

/** Bad flags, a missing file, nothing matched. */
export class UsageError extends RunbookError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = "UsageError";
  }
}
