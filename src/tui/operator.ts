import type { Operator } from "../run/ask.js";
import type { Question, TuiStore } from "./screen-store.js";

/** The engine's questions, put on screen; the answer comes from a key press. */
export function tuiOperator(store: TuiStore, name: string): Operator {
  return {
    name,
    ask: (q, signal) =>
      new Promise((resolve, reject) => {
        const onAbort = () => {
          store.answered();
          reject(new Error("interrupted"));
        };
        if (signal.aborted) return onAbort();
        signal.addEventListener("abort", onAbort, { once: true });
        store.ask({
          ...q,
          answer: (a: string) => {
            signal.removeEventListener("abort", onAbort);
            store.answered();
            resolve(a as never);
          },
        } as Question);
      }),
  };
}
