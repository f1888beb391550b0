import type { Operator } from "../engine/engine.js";
import type { TuiStore } from "./store.js";

/** The engine's questions, put on screen; the answer comes from a key press. */
export function tuiOperator(store: TuiStore, name: string, yes: boolean): Operator {
  const ask = <T>(make: (answer: (a: T) => void) => Parameters<TuiStore["ask"]>[0], signal: AbortSignal): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        store.answered();
        reject(new Error("interrupted"));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      store.ask(
        make((a) => {
          signal.removeEventListener("abort", onAbort);
          store.answered();
          resolve(a);
        }),
      );
    });
  return {
    name,
    confirm: (step, signal) => (yes ? Promise.resolve("yes") : ask((answer) => ({ kind: "confirm", step, answer }), signal)),
    manual: (step, signal) => (yes ? Promise.resolve("done") : ask((answer) => ({ kind: "manual", step, answer }), signal)),
    failed: (step, _result, signal) => ask((answer) => ({ kind: "failed", step, answer }), signal),
    interrupted: (step, signal) => ask((answer) => ({ kind: "interrupted", step, answer }), signal),
  };
}
