import type { Ask } from "../run/ask.js";
import { choices, isTyping, promptOf, typedAnswer, type QuestionUi } from "./answer-keys.js";
import { wrapWords, type StyledLine } from "./styled.js";
import { besides } from "./value-lines.js";

/** Keys and what they do. */
export interface KeyHelp {
  readonly keys: string;
  readonly does: string;
}

export interface HelpSection {
  readonly title: string;
  readonly keys: readonly KeyHelp[];
}

const HELP: KeyHelp = { keys: "?", does: "this list; the next key only closes it" };
const STOP: KeyHelp = { keys: "Ctrl-C", does: "asks first; a second Ctrl-C stops the running step and leaves the run resumable" };

/**
 * The keys of the run's screen as they stand: the question's answers (or, half-way through one, what
 * the next key does), then the screen's own keys. Drawn from `choices` and `typedAnswer`, so a new
 * question lists its keys here with nothing more to write. Pure.
 */
export function runHelp(q: Ask | undefined, ui: QuestionUi, screen: { readonly expandable: boolean; readonly expanded: boolean }): HelpSection[] {
  const sections: HelpSection[] = [];
  if (q) {
    const typed = typedAnswer(q);
    const answers: KeyHelp[] = [];
    if (ui.guard) {
      answers.push({ keys: `${ui.guard.key} Enter`, does: `${ui.guard.label}: ${ui.guard.confirm ?? ""}` }, { keys: "any other key", does: `cancel: do not ${ui.guard.label}` });
    } else if (typed && isTyping(typed, ui)) {
      answers.push(
        { keys: `${typed.id} Enter`, does: `type the step id, then Enter: ${typed.doesFully} (${typed.why})` },
        { keys: "Backspace Ctrl-U", does: "correct, or clear, what is typed" },
        { keys: "Esc", does: typed.first ? `the other answers: ${choices(q).map((c) => c.label).join(", ")}` : "back to the other answers" },
      );
    } else {
      for (const c of choices(q)) answers.push({ keys: [c.key, ...(c.aliases ?? [])].join(" "), does: `${c.label}${c.confirm ? " (asks once more)" : ""}` });
      if (typed) answers.push({ keys: typed.first ? "Esc t" : (typed.key ?? "Esc"), does: `type the step id to ${typed.does}` });
    }
    sections.push({ title: `At this question: ${typed && isTyping(typed, ui) ? `${typed.warning} type ${typed.id} to ${typed.does}` : typed ? typed.notDone : promptOf(q, false)}`, keys: answers });
  }
  const screenKeys: KeyHelp[] = [];
  if (screen.expandable) screenKeys.push({ keys: "Tab", does: screen.expanded ? "back to the run (Esc too)" : "the whole step: its instructions, its commands and every value they use, whole" });
  if (screen.expanded) screenKeys.push({ keys: "↑ ↓ PgUp PgDn", does: "scroll the whole step by a line, by a page" }, { keys: "Home End", does: "its first line, its last" });
  else {
    screenKeys.push(
      { keys: "↑ ↓ PgUp PgDn", does: "scroll the output by a line, by a page" },
      { keys: "Home End", does: "the first line kept; the end (End follows the running step again)" },
      { keys: "← →", does: "an earlier or a later step's output" },
    );
  }
  sections.push({ title: q ? "On this screen" : "While the run goes on", keys: [...screenKeys, HELP, STOP] });
  return sections;
}

/** The keys of the param review before the start: choosing a row, changing a value, starting or leaving. Pure. */
export function reviewHelp(editing: "choice" | undefined): HelpSection[] {
  const stop: KeyHelp = { keys: "Ctrl-C", does: "twice: stop; nothing has run yet" };
  if (editing === "choice") {
    return [
      {
        title: "Choosing a value from its list",
        keys: [{ keys: "↑ ↓ 1-9", does: "the value above, below; a digit takes that value" }, { keys: "Enter", does: "keep the value under the cursor" }, { keys: "Esc", does: "cancel: the value stays as it was" }, HELP, stop],
      },
    ];
  }
  return [
    {
      title: "Checking the params before the run starts",
      keys: [
        { keys: "↑ ↓ k j Tab", does: "choose a param" },
        { keys: "Home End", does: "the first param; the start row" },
        { keys: "Enter e", does: "change the value chosen (on ▶ Start the run: start)" },
        { keys: "s", does: "start the run with the values on screen" },
        { keys: "q Esc", does: "twice: leave without running anything" },
        HELP,
        stop,
      ],
    },
    {
      title: "Changing a value",
      keys: [
        { keys: "Enter Esc", does: "keep it (if the runbook allows it); cancel" },
        { keys: "↑ ↓ 1-9", does: "from a list: choose; a digit takes that value" },
        { keys: "Ctrl-U Ctrl-W", does: "typed: clear it; delete a word (a ? is typed: a value may hold one)" },
      ],
    },
  ];
}

/** The keys of a param asked for before the run (a value missing): picked from a list. Pure. */
export function paramHelp(): HelpSection[] {
  return [
    {
      title: "Choosing a param's value",
      keys: [{ keys: "↑ ↓", does: "the value above, below" }, { keys: "1-9", does: "take that value" }, { keys: "Enter", does: "take the value under the cursor" }, HELP, STOP],
    },
  ];
}

/** The list of keys laid out at `width`: a column of keys, what each does wrapped beside it. */
export function helpLines(sections: readonly HelpSection[], width: number): StyledLine[] {
  const keyW = Math.min(18, Math.max(...sections.flatMap((s) => s.keys.map((k) => Array.from(k.keys).length)), 3));
  const doesW = Math.max(10, width - 2 - keyW - 2);
  const out: StyledLine[] = [];
  for (const s of sections) {
    if (out.length) out.push([]);
    out.push(...wrapWords([{ text: s.title, style: "bold" }], width));
    for (const k of s.keys) {
      const keys = wrapWords([{ text: k.keys, style: "key" }], keyW);
      out.push(...besides([{ lines: [], width: 1 }, { lines: keys, width: keyW }, { lines: wrapWords([{ text: k.does, style: "plain" }], doesW), width: doesW }], 1));
    }
  }
  return out;
}
