import { Box, Text } from "ink";
import type { RunView } from "../../run/view.js";
import { formatDuration } from "../../schema/duration.js";
import { printableLine } from "../../views/printable.js";
import { fg, STATUS_COLOR, STATUS_ICON, stepLabel, type Theme } from "./theme.js";

export interface SummaryProps {
  readonly view: RunView;
  readonly journalFile: string | undefined;
  readonly theme: Theme;
}

/** The end: each step's outcome and time, the total, and what to do next if it did not complete. */
export function Summary({ view, journalFile, theme }: SummaryProps) {
  const width = view.rows.reduce((n, s) => Math.max(n, s.id.length), 0);
  const ok = view.word === "completed";
  return (
    <Box flexDirection="column" borderStyle="round" {...(theme.color ? { borderColor: ok ? "green" : "yellow" } : {})} paddingX={1}>
      <Text bold>
        Run {view.word} in {formatDuration(view.totalMs)}
        {view.note ? <Text dimColor> ({printableLine(view.note)})</Text> : null}
      </Text>
      {view.rows.map((s) => (
        <Text key={s.id}>
          <Text {...fg(theme, STATUS_COLOR[s.word])}>{STATUS_ICON[s.word]} </Text>
          {printableLine(s.id).padEnd(width)} <Text dimColor>{stepLabel(s.word).padEnd(15)} {s.attempts ? formatDuration(s.durationMs) : ""}{s.attempts > 1 ? ` (${s.attempts} attempts)` : ""}</Text>
        </Text>
      ))}
      {view.verification ? <Text {...fg(theme, view.verification.recorded ? "green" : "yellow")}>{printableLine(view.verification.text)}</Text> : null}
      <Text dimColor>run id: {view.runId}</Text>
      {journalFile ? <Text dimColor>journal: {journalFile}</Text> : null}
      {view.commands.resume ? <Text>resume:   {view.commands.resume}</Text> : null}
      {view.commands.rollback ? <Text>rollback: {view.commands.rollback}</Text> : null}
    </Box>
  );
}
