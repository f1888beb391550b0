import type { StepDisplayStatus } from "../../journal/progress.js";

/** Colours only when the terminal wants them (NO_COLOR is honoured by the caller). */
export interface Theme {
  readonly color: boolean;
}

export const STATUS_ICON: Record<StepDisplayStatus, string> = {
  pending: "·",
  running: "▶",
  done: "✔",
  failed: "✖",
  skipped: "↷",
  "rolled back": "↺",
  "rollback failed": "✖",
  interrupted: "■",
  blocked: "⊘",
};

export const STATUS_COLOR: Record<StepDisplayStatus, string | undefined> = {
  pending: undefined,
  running: "cyan",
  done: "green",
  failed: "red",
  skipped: "yellow",
  "rolled back": "magenta",
  "rollback failed": "red",
  interrupted: "yellow",
  blocked: "gray",
};

/** Props to spread on a Text: a colour only when colours are on. */
export const fg = (theme: Theme, color: string | undefined): { color?: string } => (theme.color && color ? { color } : {});
export const border = (theme: Theme, color: string): { borderColor?: string } => (theme.color ? { borderColor: color } : {});
