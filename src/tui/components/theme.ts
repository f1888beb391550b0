import type { StepWord } from "../../run/state.js";
import { STEP_WORDS } from "../../run/words.js";
import type { Style } from "../styled.js";

/** Colours only when the terminal wants them (NO_COLOR is honoured by the caller). */
export interface Theme {
  readonly color: boolean;
}

export const STATUS_ICON: Record<StepWord, string> = {
  pending: "·",
  running: "▶",
  interrupted: "■",
  done: "✔",
  failed: "✖",
  skipped: "↷",
  assumed: "↷",
  "rolled back": "↺",
  "rollback failed": "✖",
  "not rolled back": "·",
};

export const STATUS_COLOR: Record<StepWord, string | undefined> = {
  pending: undefined,
  running: "cyan",
  interrupted: "yellow",
  done: "green",
  failed: "red",
  skipped: "yellow",
  assumed: "gray",
  "rolled back": "magenta",
  "rollback failed": "red",
  "not rolled back": "yellow",
};

/** How a step's state reads on screen: the one vocabulary's word (`assumed` is "assumed done"). */
export const stepLabel = (word: StepWord): string => STEP_WORDS[word];

/** Props to spread on a Text: a colour only when colours are on. */
export const fg = (theme: Theme, color: string | undefined): { color?: string } => (theme.color && color ? { color } : {});
export const border = (theme: Theme, color: string): { borderColor?: string } => (theme.color ? { borderColor: color } : {});

/** Text props for a style of the styled lines (src/tui/styled.ts). */
export function styleProps(theme: Theme, style: Style): { color?: string; bold?: boolean; dimColor?: boolean; inverse?: boolean; underline?: boolean } {
  switch (style) {
    case "diff":
      // Where two look-alike values part: attributes, not only a colour (the carets under it say it in text).
      return { inverse: true, underline: true, bold: true };
    case "caret":
      return { bold: true, ...fg(theme, "magenta") };
    case "name":
      return { bold: true };
    case "chosen":
      return { bold: true, inverse: true };
    case "bold":
      return { bold: true };
    case "dim":
    case "secret":
      return { dimColor: true };
    case "code":
      return fg(theme, "cyan");
    case "command":
      return fg(theme, "yellow");
    case "value":
      return { bold: true, ...fg(theme, "green") };
    case "unset":
    case "warn":
      return fg(theme, "yellow");
    case "error":
      return fg(theme, "red");
    case "ok":
      return fg(theme, "green");
    case "key":
      return { inverse: true };
    default:
      return {};
  }
}
