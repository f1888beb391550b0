import { Box } from "ink";
import type { PanelContent } from "../panels.js";
import { Lines } from "./Lines.js";
import { border, type Theme } from "./theme.js";

export interface PanelProps {
  readonly content: PanelContent;
  readonly theme: Theme;
}

/** The box under the step list (a step, a check, a rollback preview, a run's story): lines laid out to its width. */
export function Panel({ content, theme }: PanelProps) {
  return (
    <Box flexDirection="column" borderStyle="single" {...border(theme, content.tone)} paddingX={1}>
      <Lines lines={content.lines} theme={theme} />
    </Box>
  );
}
