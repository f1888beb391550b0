import { Box, Text } from "ink";
import { printableLine } from "../../core/printable.js";
import type { StyledLine } from "../styled.js";
import { styleProps, type Theme } from "./theme.js";

export interface LinesProps {
  readonly lines: readonly StyledLine[];
  readonly theme: Theme;
}

/** Lines already laid out to the width: each takes exactly one terminal line (cut, never wrapped). */
export function Lines({ lines, theme }: LinesProps) {
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line.length === 0 ? " " : line.map((s, j) => (
            <Text key={j} {...styleProps(theme, s.style)}>
              {printableLine(s.text)}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
