import { choices, isTyping, promptOf, typedAnswer, type QuestionUi } from "../answer-keys.js";
import { PLAIN_SCREEN, type ScreenUi } from "../screen-keys.js";
import { isEngineQuestion, type Question } from "../screen-store.js";
import { words, wrapChunks, type Span, type StyledLine } from "../styled.js";
import { Lines } from "./Lines.js";
import type { Theme } from "./theme.js";

const key = (k: string, label: string): Span[] => [{ text: ` ${k} `, style: "key" }, { text: ` ${label}`, style: "plain" }];

export interface FooterState {
  readonly question: Question | undefined;
  readonly ui: QuestionUi;
  readonly stopArmed: boolean;
  readonly running: boolean;
  readonly width: number;
  /** The list of keys or the whole step, when one is drawn. */
  readonly screen?: ScreenUi;
  /** A question about a step is on screen: Tab shows the whole step. */
  readonly expandable?: boolean;
  /** Steps run at once (`parallel:`): each question names its step. */
  readonly named?: boolean;
}

/**
 * The prompt and the keys that work right now, always on screen; then, when there is one, what the
 * last key did (a second key awaited, a cancel, a key that means nothing here). Pure.
 */
export function footerLines({ question: q, ui, stopArmed, running, width, screen = PLAIN_SCREEN, expandable = false, named = false }: FooterState): StyledLine[] {
  if (stopArmed) return wrapChunks(words(`Press Ctrl-C again to stop${running ? " the running step" : ""} (the run can be resumed); any other key to carry on.`, "warn"), width);
  if (screen.help) return wrapChunks(words("Any key closes this list; it answers nothing.", "bold"), width);
  const help = key("?", "keys");
  if (!isEngineQuestion(q)) return wrapChunks([[{ text: running ? "Running… Ctrl-C to stop" : "Ctrl-C to stop", style: "dim" }], help], width);
  const lines: StyledLine[] = [];
  const typed = typedAnswer(q);
  const view = expandable ? [key("Tab", screen.expanded ? "back" : "whole step")] : [];
  if (ui.guard) {
    lines.push(...wrapChunks([...words(ui.guard.confirm ?? "", "error"), ...words("Press", "plain"), key(ui.guard.key, "again"), ...words("or", "plain"), key("Enter", "to confirm;"), ...words("any other key cancels.", "plain"), help], width));
  } else if (typed !== undefined && isTyping(typed, ui)) {
    lines.push(...wrapChunks([...words(typed.warning, "warn"), ...words(`type ${typed.id} and press Enter to ${typed.does}`, "bold"), [{ text: "›", style: "plain" }, { text: ` ${ui.typed}`, style: "plain" }, { text: " ", style: "key" }]], width));
    lines.push(...wrapChunks([key("Esc", `${typed.first ? choices(q).map((c) => c.label).join(" or ") : "back"} instead`), ...words(`(${typed.why})`, "dim"), ...view, help], width));
  } else {
    const prompt = typed !== undefined ? typed.notDone : promptOf(q, named);
    const keys = choices(q).map((c) => key(c.key, c.label));
    if (typed !== undefined) keys.push(key(typed.first ? "Esc" : (typed.key ?? "Esc"), `type the id to ${typed.does}`));
    lines.push(...wrapChunks([...words(prompt, q.kind === "failed" ? "error" : "bold"), ...keys, ...view, help], width));
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
