import { Box, Text } from "ink";
import type { RunView, StepRow } from "../../report/run-view.js";
import { formatDuration } from "../../model/duration.js";
import { printableLine } from "../../core/printable.js";
import { listWindow } from "../fit.js";
import { retryText } from "../panels.js";
import { fg, STATUS_COLOR, STATUS_ICON, stepLabel, type Theme } from "./theme.js";

export interface StepListProps {
  readonly view: RunView;
  /** The step to keep in sight: the one asked about, running, or next. */
  readonly focus: string | undefined;
  readonly now: number;
  readonly width: number;
  /** Lines it may take; with more steps than that, it scrolls around `focus`. */
  readonly height: number;
  readonly theme: Theme;
}

/** What a row says after the step's id: its state, time, and why it failed or when it is tried again. */
export function rowStatus(s: StepRow, now: number): string {
  const running = s.runningSince !== undefined;
  const elapsed = running ? now - Date.parse(s.runningSince!) + s.durationMs : s.durationMs;
  const time = running || s.attempts ? ` ${formatDuration(Math.max(0, elapsed))}` : "";
  const phase = running && s.phase && s.phase !== "command" ? ` ${s.phase}` : "";
  const attempts = s.attempts > 1 ? ` (attempt ${s.attempts})` : "";
  if (s.retry && s.failure) return `${s.failure.what} · ${retryText(s.retry, now)}`;
  if (s.word === "failed" && s.failure) return `failed: ${s.failure.what}${time}`;
  return `${s.word === "pending" ? "" : stepLabel(s.word)}${phase}${time}${attempts}`;
}

/** The steps with their state, scrolled to keep the focus in sight ("… 12 more"); titles give way before states. */
export function StepList({ view, focus, now, width, height, theme }: StepListProps) {
  const idWidth = Math.min(24, view.rows.reduce((n, s) => Math.max(n, s.id.length), 0));
  const at = view.rows.findIndex((s) => s.id === focus);
  const last = view.rows.reduce((n, s, i) => (s.word !== "pending" ? i : n), 0);
  const win = listWindow(view.rows.length, at >= 0 ? at : last, height);
  return (
    <Box flexDirection="column">
      {win.above > 0 ? <Text dimColor>  … {win.above} more above</Text> : null}
      {view.rows.slice(win.start, win.end).map((s) => {
        const status = rowStatus(s, now);
        const room = Math.max(0, width - 2 - idWidth - 1 - status.length - 2);
        const title = printableLine(s.title);
        const cutTitle = title.length > room ? `${title.slice(0, Math.max(0, room - 1))}…` : title;
        const color = s.retry ? "yellow" : STATUS_COLOR[s.word];
        return (
          <Text key={s.id} wrap="truncate-end">
            <Text {...fg(theme, color)} bold={s.id === focus}>
              {s.retry ? "↻" : STATUS_ICON[s.word]} {printableLine(s.id).padEnd(idWidth)}
            </Text>
            <Text> {room > 0 ? cutTitle : ""} </Text>
            <Text {...(s.failure && (s.word === "failed" || s.retry) ? fg(theme, color) : { dimColor: true })}>{status}</Text>
          </Text>
        );
      })}
      {win.below > 0 ? <Text dimColor>  … {win.below} more</Text> : null}
    </Box>
  );
}
