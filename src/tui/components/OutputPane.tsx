import { Box, Text } from "ink";
import type { OutputLine } from "../store.js";
import { fg, type Theme } from "./theme.js";

export interface OutputPaneProps {
  readonly lines: readonly OutputLine[];
  readonly total: number;
  readonly height: number;
  readonly width: number;
  readonly theme: Theme;
  readonly runId: string | undefined;
}

/** The last lines of output; the journal keeps all of it. */
export function OutputPane({ lines, total, height, width, theme, runId }: OutputPaneProps) {
  const shown = lines.slice(-height);
  return (
    <Box flexDirection="column">
      <Text dimColor>
        ── output{total > shown.length ? ` (last ${shown.length} of ${total.toLocaleString("en-US")} lines; all of it: runbook log ${runId ?? "<run-id>"})` : ""} ──
      </Text>
      {shown.map((l, i) => (
        <Text key={i} {...fg(theme, l.stream === "stderr" ? "red" : undefined)} wrap="truncate-end">
          {l.text.length > width ? l.text.slice(0, width) : l.text}
        </Text>
      ))}
    </Box>
  );
}
