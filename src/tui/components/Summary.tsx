import { Box, Text } from "ink";
import type { Progress } from "../../journal/progress.js";
import { formatDuration } from "../../schema/duration.js";
import { fg, STATUS_COLOR, STATUS_ICON, type Theme } from "./theme.js";

export interface SummaryProps {
  readonly progress: Progress;
  readonly journalFile: string | undefined;
  readonly theme: Theme;
}

/** The end: each step's outcome and time, the total, and what to do next if it did not complete. */
export function Summary({ progress, journalFile, theme }: SummaryProps) {
  const status = progress.interrupted ? "interrupted" : (progress.finished?.status ?? "unfinished");
  const total = progress.startedAt && progress.lastTs ? Date.parse(progress.lastTs) - Date.parse(progress.startedAt) : 0;
  const width = progress.steps.reduce((n, s) => Math.max(n, s.id.length), 0);
  const ok = status === "completed";
  return (
    <Box flexDirection="column" borderStyle="round" {...(theme.color ? { borderColor: ok ? "green" : "yellow" } : {})} paddingX={1}>
      <Text bold>
        Run {status.replace("_", " ")} in {formatDuration(total)}
        {progress.finished?.note ? <Text dimColor> ({progress.finished.note})</Text> : null}
      </Text>
      {progress.steps.map((s) => (
        <Text key={s.id}>
          <Text {...fg(theme, STATUS_COLOR[s.status])}>{STATUS_ICON[s.status]} </Text>
          {s.id.padEnd(width)} <Text dimColor>{s.status.padEnd(15)} {s.attempts ? formatDuration(s.durationMs) : ""}{s.attempts > 1 ? ` (${s.attempts} attempts)` : ""}</Text>
        </Text>
      ))}
      {progress.verification ? <Text {...fg(theme, progress.verification.recorded ? "green" : "yellow")}>{progress.verification.text}</Text> : null}
      <Text dimColor>run id: {progress.runId}</Text>
      {journalFile ? <Text dimColor>journal: {journalFile}</Text> : null}
      {!ok && status !== "rolled_back" && progress.runId ? (
        <>
          <Text>resume:   runbook resume {progress.runId}</Text>
          <Text>rollback: runbook rollback {progress.runId}</Text>
        </>
      ) : null}
    </Box>
  );
}
