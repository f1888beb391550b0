import type { Plan } from "../run/plan.js";
import { nobody } from "../run/ask.js";
import type { RunState } from "../run/state.js";
import { toView } from "../report/run-view.js";
import type { FrontEnd } from "../run/world.js";
import { PlainView } from "../report/plain-view.js";
import { promptOperator, promptParam } from "../report/line-prompts.js";

export interface FrontEndIo {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: { write(chunk: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(chunk: string): unknown };
}

export type ViewMode = "tui" | "plain" | "json";

/**
 * The screen side of a run: the interactive UI, plain lines (with line prompts when a person is at
 * the terminal), or JSON Lines for machines. All of them only show events and ask.
 */
export async function openFrontEnd(io: FrontEndIo, plan: Plan, options: { mode: ViewMode; interactive: boolean; color: boolean; operatorName: string; onStop: () => void }): Promise<FrontEnd> {
  const notice = (text: string) => io.stderr.write(`runbook: ${text}\n`);
  if (options.mode === "json") {
    return {
      onEvent: (e) => io.stdout.write(`${JSON.stringify(e)}\n`),
      show: () => undefined,
      notice,
      operator: nobody,
      askParam: undefined,
      finish: async () => undefined,
    };
  }
  if (options.mode === "tui") {
    // ink is heavy to import: only the interactive path pays for it.
    const { startTui } = await import("../tui/run-tui.js");
    return startTui(plan, { stdin: io.stdin as NodeJS.ReadStream, stdout: io.stdout as NodeJS.WriteStream, color: options.color, operatorName: options.operatorName, onStop: options.onStop });
  }
  const view = new PlainView(io.stdout, plan, options.color);
  // The run as it stands, for the values a line prompt shows before a step is confirmed.
  let now: RunState | undefined;
  return {
    onEvent: (e, state) => {
      now = state;
      view.onEvent(e, state);
    },
    show: (state, answers) => {
      now = state;
      view.story(state, answers, Date.now());
    },
    notice,
    operator: options.interactive ? promptOperator(io, options.operatorName, () => (now ? toView(now, plan, "me").values : undefined)) : nobody,
    askParam: options.interactive ? promptParam(io) : undefined,
    finish: async (state, journal) => {
      if (state) io.stdout.write(view.summary(state, journal, "me"));
    },
  };
}
