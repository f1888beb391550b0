import { Box, Text } from "ink";
import type { OutputLine } from "../store.js";
import { printableOutput } from "../../views/printable.js";
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
          {asShown(l.text, width)}
        </Text>
      ))}
    </Box>
  );
}

/** A line as a terminal would leave it (after its last carriage return), escaped, cut to the width. */
function asShown(text: string, width: number): string {
  const line = printableOutput(text.slice(text.lastIndexOf("\r") + 1)).replace(/\t/g, "  ");
  return line.length > width ? line.slice(0, width) : line;
}
