import { Box, Text } from "ink";
import { printableLine } from "../../core/printable.js";
import { fg, type Theme } from "./theme.js";

export interface ChoiceListProps {
  readonly choices: readonly string[];
  readonly selected: number;
  readonly theme: Theme;
}

/** The values a param allows (`enum:`), numbered, the one under the cursor marked; a long one wraps, never cut. */
export function ChoiceList({ choices, selected, theme }: ChoiceListProps) {
  return (
    <Box flexDirection="column">
      {choices.map((c, i) => (
        <Text key={c} {...(i === selected ? fg(theme, "cyan") : {})} bold={i === selected}>
          {i === selected ? "› " : "  "}
          {i + 1}. {printableLine(c)}
        </Text>
      ))}
    </Box>
  );
}
