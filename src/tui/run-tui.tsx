import { render } from "ink";
import type { Operator } from "../engine/engine.js";
import type { Plan } from "../engine/plan.js";
import type { JournalEvent } from "../journal/events.js";
import { App } from "./components/App.js";
import { tuiOperator } from "./operator.js";
import { TuiStore } from "./store.js";

export interface TuiOptions {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly color: boolean;
  readonly onStop: () => void;
}

export interface Tui {
  readonly onEvent: (e: JournalEvent) => void;
  seed(events: readonly JournalEvent[]): void;
  operator(name: string, yes: boolean): Operator;
  askParam(name: string, description: string | undefined, secret: boolean, validate: (v: string) => string | undefined): Promise<string>;
  /** Shows the summary and gives the terminal back. */
  finish(journalFile: string | undefined): Promise<void>;
}

/** Opens the interactive screen. Loaded only on the interactive path: ink is heavy to import. */
export function startTui(plan: Plan, options: TuiOptions): Tui {
  const store = new TuiStore(plan);
  const instance = render(<App store={store} theme={{ color: options.color }} onStop={options.onStop} />, {
    stdin: options.stdin,
    stdout: options.stdout,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 20,
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    // Let the last frame reach the terminal, then restore it.
    await new Promise((r) => setTimeout(r, 60));
    instance.unmount();
    await instance.waitUntilExit().catch(() => undefined);
    store.dispose();
  };
  process.once("exit", () => {
    if (!closed) instance.unmount();
  });
  return {
    onEvent: store.onEvent,
    seed: (events) => store.seed(events),
    operator: (name, yes) => tuiOperator(store, name, yes),
    askParam: (name, description, secret, validate) =>
      new Promise<string>((resolve) => {
        store.ask({ kind: "param", name, description, secret, validate, answer: (v) => (store.answered(), resolve(v)) });
      }),
    finish: async (journalFile) => {
      if (journalFile !== undefined) store.finish(journalFile);
      await close();
    },
  };
}
