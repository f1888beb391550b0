import { createInterface } from "node:readline/promises";
import { Writable } from "node:stream";
import type { ConfirmAnswer, FailedAnswer, InterruptedAnswer, ManualAnswer, Operator } from "../../engine/engine.js";
import type { Io } from "../io.js";

/** Answers from flags, for scripts and CI: `--yes` confirms and marks manual steps done. */
export function flagsOperator(opts: { yes: boolean; interrupted?: InterruptedAnswer | undefined }): Operator {
  const refuse = (what: string) => Promise.reject(new Error(`${what} needs an operator: run in a terminal or pass the flag`));
  return {
    name: opts.yes ? "--yes" : "flags",
    confirm: () => (opts.yes ? Promise.resolve<ConfirmAnswer>("yes") : refuse("a confirmation")),
    manual: () => (opts.yes ? Promise.resolve<ManualAnswer>("done") : refuse("a manual step")),
    failed: () => Promise.resolve<FailedAnswer>("abort"),
    interrupted: () => (opts.interrupted ? Promise.resolve(opts.interrupted) : refuse("an interrupted step")),
  };
}

/** Line prompts on a terminal, for `--plain` runs that still have a person at the keyboard. */
export function promptOperator(io: Io, name: string, fallback: { yes: boolean }): Operator {
  const ask = async <T extends string>(question: string, answers: Record<string, T>, signal: AbortSignal): Promise<T> => {
    const rl = createInterface({ input: io.stdin, output: io.stdout as NodeJS.WritableStream, terminal: true });
    try {
      for (;;) {
        const reply = (await rl.question(question, { signal })).trim().toLowerCase();
        const hit = answers[reply];
        if (hit) return hit;
        io.stdout.write(`Please answer one of: ${Object.keys(answers).filter((k) => k !== "").join(", ")}\n`);
      }
    } finally {
      rl.close();
    }
  };
  return {
    name,
    confirm: (step, signal) => (fallback.yes ? Promise.resolve("yes") : ask(`Run ${step.id}? [y]es, [s]kip, [a]bort: `, { y: "yes", yes: "yes", s: "skip", a: "abort" }, signal)),
    manual: (step, signal) => (fallback.yes ? Promise.resolve("done") : ask(`Manual step ${step.id}: ${step.instructions.split("\n")[0] ?? ""}\n[Enter] when done, [s]kip, [a]bort: `, { "": "done", s: "skip", a: "abort" }, signal)),
    failed: (step, _r, signal) => ask(`${step.id} failed. [r]etry, [s]kip, roll [b]ack, [a]bort: `, { r: "retry", s: "skip", b: "rollback", a: "abort" }, signal),
    interrupted: (step, signal) => ask(`${step.id} was interrupted; its outcome is unknown. [r]e-run, [s]kip, mark [d]one: `, { r: "rerun", s: "skip", d: "done" }, signal),
  };
}

/** Asks for a param on a terminal; a secret is not echoed. */
export async function promptParam(io: Io, name: string, description: string | undefined, secret: boolean): Promise<string> {
  const label = `${name}${description ? ` (${description})` : ""}${secret ? " [hidden]" : ""}: `;
  // readline echoes what is typed through its output: for a secret, that output goes nowhere.
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!muted) io.stdout.write(chunk.toString());
      callback();
    },
  });
  const rl = createInterface({ input: io.stdin, output, terminal: true });
  try {
    io.stdout.write(label);
    muted = secret;
    return await rl.question("");
  } finally {
    muted = false;
    rl.close();
    if (secret) io.stdout.write("\n");
  }
}
