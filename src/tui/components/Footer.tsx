import type { Ask } from "../../run/ask.js";
import { choices, typedConfirmation, type QuestionUi } from "../answer-keys.js";
import { isEngineQuestion, type Question } from "../store.js";
import { words, wrapChunks, type Span, type StyledLine } from "../styled.js";
import { Lines } from "./Lines.js";
import type { Theme } from "./theme.js";

const PROMPT: Record<Ask["kind"], string> = {
  confirm: "Run this step?",
  manual: "Do this step by hand, then press Enter.",
  failed: "The step failed.",
  interrupted: "This step was interrupted; its outcome is unknown.",
  undo_before_skip: "Skip it: undo its change first?",
  rollback: "Roll back what the list above shows?",
};

const key = (k: string, label: string): Span[] => [{ text: ` ${k} `, style: "key" }, { text: ` ${label}`, style: "plain" }];

export interface FooterState {
  readonly question: Question | undefined;
  readonly ui: QuestionUi;
  readonly stopArmed: boolean;
  readonly running: boolean;
  readonly width: number;
}

/**
 * The prompt and the keys that work right now, always on screen; then, when there is one, what the
 * last key did (a second key awaited, a cancel, a key that means nothing here). Pure.
 */
export function footerLines({ question: q, ui, stopArmed, running, width }: FooterState): StyledLine[] {
  if (stopArmed) return wrapChunks(words(`Press Ctrl-C again to stop${running ? " the running step" : ""} (the run can be resumed); any other key to carry on.`, "warn"), width);
  if (!isEngineQuestion(q)) return [[{ text: running ? "Running… Ctrl-C to stop" : "Ctrl-C to stop", style: "dim" }]];
  const lines: StyledLine[] = [];
  const id = typedConfirmation(q);
  if (ui.guard) {
    lines.push(...wrapChunks([...words(ui.guard.confirm ?? "", "error"), ...words("Press", "plain"), key(ui.guard.key, "again"), ...words("or", "plain"), key("Enter", "to confirm;"), ...words("any other key cancels.", "plain")], width));
  } else if (id !== undefined && !ui.menu) {
    lines.push(...wrapChunks([...words("Irreversible:", "warn"), ...words(`type ${id} and press Enter to run it`, "bold"), [{ text: "›", style: "plain" }, { text: ` ${ui.typed}`, style: "plain" }, { text: " ", style: "key" }]], width));
    lines.push(...wrapChunks([key("Esc", "skip or abort instead"), ...words("(one key never runs an irreversible step)", "dim")], width));
  } else {
    const prompt = id !== undefined ? "Irreversible step, not run." : PROMPT[q.kind];
    const keys = choices(q).map((c) => key(c.key, c.label));
    if (id !== undefined) keys.push(key("Esc", "type the id to run it"));
    lines.push(...wrapChunks([...words(prompt, q.kind === "failed" ? "error" : "bold"), ...keys], width));
  }
  if (ui.hint) lines.push(...wrapChunks(words(ui.hint, "warn"), width));
  return lines;
}

export interface FooterProps extends FooterState {
  readonly theme: Theme;
}

export function Footer({ theme, ...state }: FooterProps) {
  return <Lines lines={footerLines(state)} theme={theme} />;
}
