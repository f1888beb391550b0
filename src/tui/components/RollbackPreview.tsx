import { Box, Text } from "ink";
import type { RollbackItem } from "../../run/ask.js";
import { printableLine } from "../../views/printable.js";
import { border, fg, type Theme } from "./theme.js";

export interface RollbackPreviewProps {
  readonly items: readonly RollbackItem[];
  readonly theme: Theme;
}

/** What a rollback will undo, in order, before anything is undone. */
export function RollbackPreview({ items, theme }: RollbackPreviewProps) {
  return (
    <Box flexDirection="column" borderStyle="single" {...border(theme, "yellow")} paddingX={1}>
      <Text bold>Rolling back will undo, in this order:</Text>
      {items.length === 0 ? <Text dimColor>nothing: no step has run</Text> : null}
      {items.map((it, i) => (
        <Text key={it.target}>
          {i + 1}. {printableLine(it.label)} <Text {...(it.runs ? fg(theme, "yellow") : { dimColor: true })}>{printableLine(it.action)}</Text>
        </Text>
      ))}
    </Box>
  );
}
