import { Spinner } from "@inkjs/ui";
import { Box, Text } from "ink";
import type { Plan } from "../../engine/plan.js";
import type { Progress } from "../../journal/progress.js";
import { formatDuration } from "../../schema/duration.js";
import { fg, STATUS_COLOR, STATUS_ICON, type Theme } from "./theme.js";

export interface StepListProps {
  readonly plan: Plan;
  readonly progress: Progress;
  readonly now: number;
  readonly theme: Theme;
}

/** Every step with its status; the running one spins and shows its elapsed time. */
export function StepList({ plan, progress, now, theme }: StepListProps) {
  const titles = new Map(plan.steps.map((s) => [s.id, s.title]));
  const width = plan.steps.reduce((n, s) => Math.max(n, s.id.length), 0);
  return (
    <Box flexDirection="column">
      {progress.steps.map((s) => {
        const running = s.status === "running";
        const elapsed = running && s.runningSince ? now - Date.parse(s.runningSince) + s.durationMs : s.durationMs;
        const time = running || s.attempts ? formatDuration(Math.max(0, elapsed)) : "";
        const attempts = s.attempts > 1 ? ` (attempt ${s.attempts})` : "";
        return (
          <Box key={s.id}>
            <Box width={2}>{running && theme.color ? <Spinner /> : <Text {...fg(theme, STATUS_COLOR[s.status])}>{STATUS_ICON[s.status]}</Text>}</Box>
            <Text {...fg(theme, STATUS_COLOR[s.status])} bold={running}>
              {s.id.padEnd(width)}
            </Text>
            <Text> {titles.get(s.id) ?? ""} </Text>
            <Text dimColor>
              {s.status === "pending" ? "" : s.status}
              {time ? ` ${time}` : ""}
              {attempts}
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}
