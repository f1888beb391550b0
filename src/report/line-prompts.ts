import { createInterface } from "node:readline/promises";
import { Writable } from "node:stream";
import type { Ask, Operator } from "../run/ask.js";
import type { DisplayValues } from "./display-values.js";
import type { AskParam } from "../run/params.js";
import { commandValues } from "./plain-values.js";
import { printableLine } from "../core/printable.js";
import { rollbackPreview } from "./rollback-preview.js";
import { unconfirmedText } from "../run/words.js";

export interface PromptIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: { write(chunk: string): unknown };
}

const KEYS: { [K in Ask["kind"]]: Record<string, string> } = {
  confirm: { y: "yes", yes: "yes", s: "skip", a: "abort" },
  manual: { "": "done", s: "skip", a: "abort" },
  failed: { r: "retry", s: "skip", b: "rollback", a: "abort" },
  interrupted: { r: "rerun", s: "skip", d: "done" },
  undo_before_skip: { "": "yes", y: "yes", yes: "yes", n: "no", no: "no" },
  rollback: { y: "yes", yes: "yes", n: "no", no: "no" },
};

/** An irreversible step is run by typing its id, never by one key. */
const irreversible = (q: Ask): string | undefined => (q.kind === "confirm" && q.step.irreversible !== undefined ? q.step.id : undefined);
/** A rollback goes past an irreversible step only when its id is typed. */
const barrierOf = (q: Ask): string | undefined => (q.kind === "rollback" ? q.barrier?.target : undefined);

/** The hosts of the batch a confirmation is about. */
const onHosts = (hosts: readonly string[] | undefined): string => (hosts ? ` on ${hosts.length} host${hosts.length === 1 ? "" : "s"} (${hosts.map(printableLine).join(", ")})` : "");

function question(q: Ask): string {
  switch (q.kind) {
    case "confirm":
      if (q.step.irreversible !== undefined) return `${q.step.id} is irreversible: ${printableLine(q.step.irreversible)}\nType ${q.step.id} to run it${onHosts(q.hosts)}, [s]kip, [a]bort: `;
      return `Run ${q.step.id}${onHosts(q.hosts)}? [y]es, [s]kip, [a]bort: `;
    case "manual":
      return `Manual step ${q.step.id}: ${printableLine(q.step.instructions.split("\n")[0] ?? "")}\n[Enter] when done, [s]kip, [a]bort: `;
    case "failed":
      return `${q.step.id} failed. [r]etry, [s]kip, roll [b]ack, [a]bort: `;
    case "interrupted":
      if (q.unconfirmed !== undefined) return `${q.target}: ${unconfirmedText(q.unconfirmed)} [r]e-run, [s]kip, mark [d]one: `;
      return `${q.target} was interrupted; its outcome is unknown. [r]e-run, [s]kip, mark [d]one: `;
    case "undo_before_skip":
      return `Run ${q.step.id}'s rollback before skipping it, so its change is undone? [Y/n]: `;
    case "rollback": {
      const lines = rollbackPreview(q.items, q.barrier);
      if (!q.barrier) return `Rolling back will undo, in this order:\n${lines.join("\n")}\nRoll back now? [y]es, [n]o: `;
      const id = printableLine(q.barrier.target);
      const risk = q.barrier.beyond.length ? `undo ${q.barrier.beyond.map((b) => printableLine(b.target)).join(", ")} though ${id} cannot be undone` : `go on past ${id}`;
      return `Rolling back will undo, in this order:\n${lines.join("\n")}\nRoll back to ${id}? [y]es, [n]o, or type ${id} to ${risk}: `;
    }
  }
}

/**
 * Line prompts on a terminal, for `--plain` runs that still have a person at the keyboard. Before a
 * step is confirmed, the values its command uses (`values`: the run's, for display) are printed whole.
 */
export function promptOperator(io: PromptIo, name: string, values: () => DisplayValues | undefined = () => undefined): Operator {
  return {
    name,
    ask: async (q, signal) => {
      const shown = q.kind === "confirm" ? commandValues(q.step, values() ?? new Map()) : [];
      if (shown.length) io.stdout.write(`${shown.join("\n")}\n`);
      const rl = createInterface({ input: io.stdin, output: io.stdout as NodeJS.WritableStream, terminal: true });
      try {
        for (;;) {
          const typed = (await rl.question(question(q), { signal })).trim();
          const reply = typed.toLowerCase();
          const past = barrierOf(q);
          if (past !== undefined && typed === past) return "past" as never;
          const id = irreversible(q);
          if (id !== undefined) {
            if (typed === id) return "yes" as never;
            if (reply === "s" || reply === "a") return KEYS.confirm[reply] as never;
            io.stdout.write(`This step cannot be undone: type ${id} to run it, or s to skip, a to abort.\n`);
            continue;
          }
          const hit = KEYS[q.kind][reply];
          if (hit) return hit as never;
          io.stdout.write(`Please answer one of: ${Object.keys(KEYS[q.kind]).map((k) => (k === "" ? "Enter" : k)).join(", ")}\n`);
        }
      } finally {
        rl.close();
      }
    },
  };
}

/** Asks for a param on a terminal until the value is valid; a secret is not echoed. */
export function promptParam(io: PromptIo): AskParam {
  return async ({ name, description, secret, choices, example, validate }, signal) => {
    const about = [description, example !== undefined ? `e.g. ${example}` : undefined].filter(Boolean).join("; ");
    const list = choices ? `\n${choices.map((c, i) => `  ${i + 1}) ${printableLine(c)}`).join("\n")}\nChoose 1-${choices.length} or type the value` : "";
    const label = `${name}${about ? ` (${printableLine(about)})` : ""}${list}${secret ? " [hidden]" : ""}: `;
    for (;;) {
      const typed = await readLine(io, label, secret, signal);
      // A number picks from the list, unless it is itself one of the values.
      const n = Number(typed);
      const value = choices && !choices.includes(typed) && Number.isInteger(n) && n >= 1 && n <= choices.length ? choices[n - 1]! : typed;
      const problem = validate(value);
      if (problem === undefined) return value;
      io.stdout.write(`${problem}\n`);
    }
  };
}

async function readLine(io: PromptIo, label: string, secret: boolean, signal: AbortSignal): Promise<string> {
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
    return await rl.question("", { signal });
  } finally {
    muted = false;
    rl.close();
    if (secret) io.stdout.write("\n");
  }
}
