import { helpLines, type HelpSection } from "../help.js";
import { PANEL_COLUMNS, PANEL_ROWS } from "../panels.js";
import { clampStyled } from "../styled.js";
import { Panel } from "./Panel.js";
import type { Theme } from "./theme.js";

export interface HelpBoxProps {
  readonly sections: readonly HelpSection[];
  /** The box's width and the lines it may take, its border included. */
  readonly width: number;
  readonly height: number;
  readonly theme: Theme;
}

/** `?`: the keys that work where the operator is, in a box drawn over the screen's middle. */
export function HelpBox({ sections, width, height, theme }: HelpBoxProps) {
  const lines = clampStyled(helpLines(sections, width - PANEL_COLUMNS), Math.max(1, height - PANEL_ROWS));
  return <Panel content={{ lines, tone: "cyan" }} theme={theme} />;
}
