import { constants } from "node:os";
import { formatDuration } from "../model/duration.js";
import { outcome, type AttemptEnd } from "../journal/outcome.js";

/** Why an attempt failed, in the words every screen uses. */
export interface FailureText {
  /** `exit 141`, `killed by SIGKILL`, `timed out after 30s`, `could not start: …`. */
  readonly what: string;
  /** What a well-known exit code or signal usually means; undefined when nothing useful can be said. */
  readonly hint: string | undefined;
}

/** What the codes an operator meets in an outage usually mean. 128+N is "killed by signal N". */
const HINTS: Readonly<Record<number, string>> = {
  126: "found but not executable: a missing execute permission, or a file that is not a program",
  127: "command not found: check its spelling and PATH (list it under `requires:` to check it before the run)",
  130: "interrupted by Ctrl-C (SIGINT)",
  137: "killed by SIGKILL: often the out-of-memory killer, or something stopped it by force",
  141: "SIGPIPE: a reader closed the pipe early (`| head`, `| grep -q`); under pipefail the writer's death fails the pipeline even when the data was fine",
  143: "terminated by SIGTERM: something asked it to stop (a shutdown, a supervisor, kill)",
};

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = constants.signals as Readonly<Record<string, number>>;

/** The hint for an exit code: a well-known one, else the signal a code above 128 stands for. */
export function exitHint(code: number): string | undefined {
  const known = HINTS[code];
  if (known) return known;
  if (code > 128 && code < 128 + 65) {
    const name = Object.entries(SIGNAL_NUMBERS).find(([, n]) => n === code - 128)?.[0];
    if (name) return `killed by signal ${code - 128} (${name}): a shell reports death by signal N as 128+N`;
  }
  return undefined;
}

/** The hint for a signal that killed the block itself. */
export function signalHint(signal: string): string | undefined {
  const n = SIGNAL_NUMBERS[signal];
  return n === undefined ? undefined : HINTS[128 + n];
}

/**
 * Why an attempt failed, in words, from its one outcome (journal/outcome.ts). `timeoutMs` is the
 * block's timeout, so "timed out" can say after how long.
 */
export function describeFailure(result: AttemptEnd, timeoutMs: number | undefined): FailureText {
  const o = outcome(result);
  switch (o.kind) {
    case "interrupted":
      return { what: "interrupted: its outcome is unknown", hint: undefined };
    case "error":
      return { what: `could not start: ${o.error}`, hint: undefined };
    case "timeout":
      return { what: timeoutMs === undefined ? "timed out" : `timed out after ${formatDuration(timeoutMs)}`, hint: "its whole process group was stopped (TERM, then KILL)" };
    case "signal":
      return { what: `killed by ${o.signal}`, hint: signalHint(o.signal) };
    case "exit":
      return o.code === null ? { what: "failed", hint: undefined } : { what: `exit ${o.code}`, hint: exitHint(o.code) };
    case "passed":
      return { what: "passed", hint: undefined };
  }
}
