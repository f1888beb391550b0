import { Box, Text } from "ink";
import type { PlanStep } from "../../engine/plan.js";
import { clampLines, plainText } from "../text.js";
import { border, fg, type Theme } from "./theme.js";

export interface StepDetailProps {
  readonly step: PlanStep;
  readonly maxLines: number;
  readonly theme: Theme;
}

/** The current step: its instructions, readable, and the exact command it is about to run. */
export function StepDetail({ step, maxLines, theme }: StepDetailProps) {
  const prose = clampLines(plainText(step.instructions), Math.max(2, Math.floor(maxLines / 2)));
  const command = step.command ? clampLines(step.command.source, Math.max(2, maxLines - prose.length)) : [];
  const marks = [step.manual ? "manual step" : "", step.confirm ? "needs confirmation" : "", step.irreversible !== undefined ? `irreversible: ${step.irreversible}` : "", step.rollback ? "has a rollback" : ""].filter(Boolean);
  return (
    <Box flexDirection="column" borderStyle="single" {...border(theme, "gray")} paddingX={1}>
      <Text bold>
        {step.title} <Text dimColor>({step.id}{marks.length ? `; ${marks.join("; ")}` : ""})</Text>
      </Text>
      {prose.filter((l) => l !== "" || prose.length > 1).map((l, i) => (
        <Text key={`p${i}`}>{l}</Text>
      ))}
      {command.map((l, i) => (
        <Text key={`c${i}`} {...fg(theme, "yellow")}>
          {i === 0 ? "$ " : "  "}
          {l}
        </Text>
      ))}
    </Box>
  );
}
