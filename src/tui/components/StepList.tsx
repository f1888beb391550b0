import { Spinner } from "@inkjs/ui";
import { Box, Text } from "ink";
import type { RunView } from "../../run/view.js";
import { formatDuration } from "../../schema/duration.js";
import { printableLine } from "../../views/printable.js";
import { fg, STATUS_COLOR, STATUS_ICON, stepLabel, type Theme } from "./theme.js";

export interface StepListProps {
  readonly view: RunView;
  readonly now: number;
  readonly theme: Theme;
}

/** Every step with its state; the running one spins and shows its elapsed time. */
export function StepList({ view, now, theme }: StepListProps) {
  const width = view.rows.reduce((n, s) => Math.max(n, s.id.length), 0);
  return (
    <Box flexDirection="column">
      {view.rows.map((s) => {
        const running = s.runningSince !== undefined;
        const elapsed = running ? now - Date.parse(s.runningSince!) + s.durationMs : s.durationMs;
        const time = running || s.attempts ? formatDuration(Math.max(0, elapsed)) : "";
        const attempts = s.attempts > 1 ? ` (attempt ${s.attempts})` : "";
        return (
          <Box key={s.id}>
            <Box width={2}>{running && theme.color ? <Spinner /> : <Text {...fg(theme, STATUS_COLOR[s.word])}>{STATUS_ICON[s.word]}</Text>}</Box>
            <Text {...fg(theme, STATUS_COLOR[s.word])} bold={running}>
              {printableLine(s.id).padEnd(width)}
            </Text>
            <Text> {printableLine(s.title)} </Text>
            <Text dimColor>
              {s.word === "pending" ? "" : stepLabel(s.word)}
              {time ? ` ${time}` : ""}
              {attempts}
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}
