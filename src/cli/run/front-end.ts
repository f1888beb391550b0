import type { Operator } from "../../engine/engine.js";
import type { Plan } from "../../engine/plan.js";
import type { JournalEvent } from "../../journal/events.js";
import { useColor, type Io } from "../io.js";
import { flagsOperator, promptOperator, promptParam } from "./operators.js";
import { PlainView } from "./plain-view.js";

/** The screen side of a run: the interactive UI, or plain lines. Both only show events and ask. */
export interface FrontEnd {
  readonly onEvent: (e: JournalEvent) => void;
  seed(events: readonly JournalEvent[]): void;
  operator(name: string, yes: boolean, interrupted?: "rerun" | "skip" | "done"): Operator;
  /** Undefined without a person to ask. */
  readonly askParam: ((name: string, description: string | undefined, secret: boolean, validate: (v: string) => string | undefined) => Promise<string>) | undefined;
  finish(journalFile: string | undefined): Promise<void>;
}

export interface FrontEndOptions {
  readonly interactive: boolean;
  /** JSON Lines on stdout, one event per line (as journaled, secrets masked), for machines. */
  readonly json?: boolean;
  /** Line prompts instead of the full screen (`--plain` on a terminal). */
  readonly plain: boolean;
  readonly onStop: () => void;
}

export async function openFrontEnd(io: Io, plan: Plan, options: FrontEndOptions): Promise<FrontEnd> {
  if (options.json) {
    return {
      onEvent: (e) => io.stdout.write(`${JSON.stringify(e)}\n`),
      seed: () => undefined,
      operator: (name, yes, interrupted) => flagsOperator({ yes, interrupted }),
      askParam: undefined,
      finish: async () => undefined,
    };
  }
  if (options.interactive && !options.plain) {
    const { startTui } = await import("../../tui/run-tui.js");
    return startTui(plan, { stdin: io.stdin as NodeJS.ReadStream, stdout: io.stdout as NodeJS.WriteStream, color: useColor(io, io.stdout), onStop: options.onStop });
  }
  const view = new PlainView(io.stdout, plan, useColor(io, io.stdout));
  return {
    onEvent: view.onEvent,
    seed: (events) => view.seed(events),
    operator: (name, yes, interrupted) => (options.interactive ? promptOperator(io, name, { yes }) : flagsOperator({ yes, interrupted })),
    askParam: options.interactive ? async (name, description, secret) => promptParam(io, name, description, secret) : undefined,
    finish: async (journalFile) => {
      if (journalFile !== undefined) io.stdout.write(view.summary(journalFile));
    },
  };
}
