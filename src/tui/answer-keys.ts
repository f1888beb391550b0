import type { Ask } from "../run/ask.js";
import { editLine, type KeyPress } from "./keys.js";
import { unconfirmedText } from "../run/words.js";

/** What the keys have done so far at the question on screen. */
export interface QuestionUi {
  /** A destructive answer waiting for its second key. */
  readonly guard: Choice | undefined;
  /** A line about the last key: why it did nothing, or what was cancelled. */
  readonly hint: string | undefined;
  /** Typed so far to confirm an irreversible step. */
  readonly typed: string;
  /** Toggled away from where the question starts: to the keys at an irreversible step, to the typing field at a barrier. */
  readonly menu: boolean;
}

export const NO_UI: QuestionUi = { guard: undefined, hint: undefined, typed: "", menu: false };

/** One answer and its key, as the footer shows it. */
export interface Choice {
  /** A letter, or `Enter`. */
  readonly key: string;
  readonly label: string;
  readonly answer: string;
  /** Destructive: this asks once more, and says what it will do. */
  readonly confirm?: string;
  /** More keys that give the same answer, not shown. */
  readonly aliases?: readonly string[];
}

const ABORT = (question: string): Choice => ({ key: "a", label: "abort", answer: "abort", confirm: question });

/**
 * What a question says, naming its step when steps run at once (`named`), and for a step on a group
 * the hosts of the batch it confirms.
 */
export function promptOf(q: Ask, named: boolean): string {
  const base =
    q.kind === "confirm" && q.hosts
      ? `Run this step on ${q.hosts.length} host${q.hosts.length === 1 ? "" : "s"} (${q.hosts.join(", ")})?`
      : q.kind === "interrupted" && q.unconfirmed !== undefined
        ? unconfirmedText(q.unconfirmed)
        : PROMPT[q.kind];
  const id = q.kind === "rollback" ? undefined : q.kind === "interrupted" ? q.target : q.step.id;
  return named && id !== undefined ? `${id}: ${base}` : base;
}

/** What a question says above its keys. */
export const PROMPT: Record<Ask["kind"], string> = {
  confirm: "Run this step?",
  manual: "Do this step by hand, then press Enter.",
  failed: "The step failed.",
  interrupted: "This step was interrupted; its outcome is unknown.",
  undo_before_skip: "Skip it: undo its change first?",
  rollback: "Roll back what the list above shows?",
};

/** What this question says above its keys: an interrupted step with no start on record says whose runner may have begun it. */
/**
 * A question answered only by typing a step's id, never by one key: what to type, the answer it
 * gives, and the words the footer, the hints and the list of keys use. Its other answers (`choices`)
 * are behind Esc.
 */
export interface TypedAnswer {
  readonly id: string;
  readonly answer: string;
  /** Before "type <id> and press Enter to …". */
  readonly warning: string;
  /** "run it" */
  readonly does: string;
  /** "run this irreversible step" */
  readonly doesFully: string;
  /** Why one key is not enough. */
  readonly why: string;
  /** Said with the other answers, once Esc was pressed (or before the typing field is opened). */
  readonly notDone: string;
  /**
   * Whether the question starts at the typing field (an irreversible step to run). A barrier starts at
   * its keys, and `key` opens the field: going past it is the exception, never where a key lands.
   */
  readonly first: boolean;
  readonly key?: string;
}

/** Whether the typing field is what the keys go to now. */
export const isTyping = (typed: TypedAnswer | undefined, ui: QuestionUi): boolean => typed !== undefined && (typed.first ? !ui.menu : ui.menu);

/** The questions answered by typing an id. A new one is one more case here. */
export function typedAnswer(q: Ask): TypedAnswer | undefined {
  if (q.kind === "confirm" && q.step.irreversible !== undefined) {
    return { id: q.step.id, answer: "yes", warning: "Irreversible:", does: "run it", doesFully: "run this irreversible step", why: "one key never runs an irreversible step", notDone: "Irreversible step, not run.", first: true };
  }
  if (q.kind === "rollback" && q.barrier) {
    const id = q.barrier.target;
    const beyond = q.barrier.beyond.map((b) => b.target).join(", ");
    return {
      id,
      answer: "past",
      warning: `${id} cannot be undone; going past it undoes ${beyond || "what came before it"} anyway:`,
      does: `go past ${id}`,
      doesFully: `undo what came before the irreversible ${id}`,
      why: "one key never goes past an irreversible step",
      notDone: `Roll back to ${id}? What came before it stays as it is.`,
      first: false,
      key: "p",
    };
  }
  return undefined;
}

/** The answers of each question, in the order the footer shows them. */
export function choices(q: Ask): readonly Choice[] {
  switch (q.kind) {
    case "confirm":
      if (typedAnswer(q) !== undefined) return [{ key: "s", label: "skip", answer: "skip" }, ABORT("Abort the run before this irreversible step? Nothing more will run.")];
      return [{ key: "y", label: "run", answer: "yes" }, { key: "s", label: "skip", answer: "skip" }, ABORT("Abort the run here? Nothing more will run.")];
    case "manual":
      return [{ key: "Enter", label: "done", answer: "done" }, { key: "s", label: "skip", answer: "skip" }, ABORT("Abort the run here? Nothing more will run.")];
    case "failed":
      return [
        { key: "r", label: "retry", answer: "retry" },
        { key: "s", label: "skip", answer: "skip", confirm: "Skip this failed step and go on? Its change may be half done." },
        { key: "b", label: "roll back", answer: "rollback" },
        ABORT("Abort the run with this step failed? It can be resumed or rolled back later."),
      ];
    case "interrupted":
      return [{ key: "r", label: "re-run", answer: "rerun" }, { key: "s", label: "skip", answer: "skip" }, { key: "d", label: "mark done", answer: "done" }];
    case "undo_before_skip":
      return [{ key: "Enter", label: "run its rollback, then skip", answer: "yes", aliases: ["y"] }, { key: "n", label: "skip, leave it", answer: "no" }];
    case "rollback":
      // The preview above is the confirmation of `b`: `b` again, `y` or Enter rolls back (to the barrier, if there is one).
      return [{ key: "y", label: q.barrier ? `roll back to ${q.barrier.target}` : "roll back", answer: "yes", aliases: ["b", "Enter"] }, { key: "n", label: "not now", answer: "no", aliases: ["q", "Esc"] }];
  }
}

const nameOf = (k: KeyPress): string | undefined => (k.return ? "Enter" : k.escape ? "Esc" : k.text !== "" ? k.text.toLowerCase() : undefined);

const list = (cs: readonly Choice[]) => cs.map((c) => `${c.key} ${c.label}`).join(", ");

/** Why a key did nothing here, naming the keys that do something. */
function ignored(q: Ask, name: string): string {
  const cs = choices(q);
  const skip = cs.find((c) => c.answer === "skip" || c.answer === "no");
  if ((name === "n" || name === "q" || name === "Esc") && skip) return `${name} does nothing here: ${skip.key} to ${skip.label}${cs.some((c) => c.answer === "abort") ? ", a to abort the run" : ""}.`;
  return `${name} does nothing here: ${list(cs)}.`;
}

/**
 * What a key does at a question: maybe an answer, and what the screen says now. Pure. A destructive
 * answer takes a second key (the same one, or Enter); any other key cancels it. A question with a
 * typed answer (an irreversible step) gives it only when the id is typed; Esc shows its other answers.
 */
export function onQuestionKey(q: Ask, ui: QuestionUi, k: KeyPress): { ui: QuestionUi; answer?: string } {
  const name = nameOf(k);
  if (ui.guard) {
    if (name?.toLowerCase() === ui.guard.key.toLowerCase() || name === "Enter") return { ui: NO_UI, answer: ui.guard.answer };
    return { ui: { ...ui, guard: undefined, hint: `Cancelled: did not ${ui.guard.label}.` } };
  }
  const typed = typedAnswer(q);
  if (typed !== undefined && isTyping(typed, ui)) {
    if (k.escape) return { ui: { ...ui, menu: !ui.menu, typed: "", hint: undefined } };
    if (k.return) {
      if (ui.typed === typed.id) return { ui: NO_UI, answer: typed.answer };
      return { ui: { ...ui, typed: "", hint: ui.typed === "" ? `Type ${typed.id} and press Enter to ${typed.does}.` : `"${ui.typed}" is not ${typed.id}: type the step id to ${typed.doesFully}.` } };
    }
    const r = editLine(ui.typed, k);
    return { ui: { ...ui, typed: r.value.slice(0, 200), hint: undefined } };
  }
  if (typed?.first && (k.escape || name === "t")) return { ui: { ...ui, menu: false, hint: undefined } };
  if (typed && !typed.first && name === typed.key) return { ui: { ...ui, menu: true, hint: undefined } };
  if (name === undefined) return { ui };
  const same = (key: string) => key.toLowerCase() === name.toLowerCase();
  const choice = choices(q).find((c) => same(c.key) || c.aliases?.some(same));
  if (!choice) return { ui: { ...ui, hint: ignored(q, name) } };
  if (choice.confirm) return { ui: { ...ui, guard: choice, hint: undefined } };
  return { ui: NO_UI, answer: choice.answer };
}
