import { render } from "ink";
import type { Plan } from "../run/plan.js";
import type { FrontEnd } from "../run/world.js";
import { App } from "./components/App.js";
import { tuiOperator } from "./operator.js";
import { TuiStore } from "./screen-store.js";

export interface TuiOptions {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly color: boolean;
  readonly operatorName: string;
  readonly onStop: () => void;
}

/** Opens the interactive screen. Loaded only on the interactive path: ink is heavy to import. */
export function startTui(plan: Plan, options: TuiOptions): FrontEnd {
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
  /** Puts a question on screen until it is answered or the session is interrupted. */
  const asked = <T,>(put: (answer: (v: T) => void) => void, signal: AbortSignal) =>
    new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        store.answered();
        reject(new Error("interrupted"));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      put((v) => {
        signal.removeEventListener("abort", onAbort);
        store.answered();
        resolve(v);
      });
    });
  return {
    onEvent: store.onEvent,
    show: (state, answers) => store.show(state, answers),
    notice: (text) => store.notice(text),
    offerHandover: (r, grant) => store.offerHandover(r.by, r.host, r.text, grant),
    operator: tuiOperator(store, options.operatorName),
    askParam: (p, signal) => asked<string>((answer) => store.ask({ kind: "param", ...p, answer }), signal),
    reviewParams: (entries, signal) => asked<Readonly<Record<string, string>> | undefined>((answer) => store.ask({ kind: "review", entries, answer }), signal),
    finish: async (state, journal) => {
      store.finish(state, journal);
      await close();
    },
  };
}
