import { Box, Text } from "ink";
import type { Question } from "../store.js";
import { fg, type Theme } from "./theme.js";

type AskKind = Exclude<Question["kind"], "param">;

/** The keys that work right now, always on screen. */
export const KEYS: Record<AskKind, ReadonlyArray<readonly [string, string]>> = {
  confirm: [["y", "run"], ["s", "skip"], ["a", "abort"]],
  manual: [["Enter", "done"], ["s", "skip"], ["a", "abort"]],
  failed: [["r", "retry"], ["s", "skip"], ["b", "roll back"], ["a", "abort"]],
  interrupted: [["r", "re-run"], ["s", "skip"], ["d", "mark done"]],
  undo_before_skip: [["Enter", "run its rollback, then skip"], ["n", "skip, leave it"]],
  rollback: [["y", "roll back"], ["n", "not now"]],
};

const PROMPT: Record<AskKind, string> = {
  confirm: "Run this step?",
  manual: "Do this step by hand, then press Enter.",
  failed: "The step failed.",
  interrupted: "This step was interrupted; its outcome is unknown.",
  undo_before_skip: "Skip it: undo its change first?",
  rollback: "Roll back what the list above shows?",
};

export interface FooterProps {
  readonly question: Question | undefined;
  readonly stopArmed: boolean;
  readonly running: boolean;
  readonly theme: Theme;
}

export function Footer({ question, stopArmed, running, theme }: FooterProps) {
  if (stopArmed) {
    return <Text {...fg(theme, "yellow")}>Press Ctrl-C again to stop{running ? " the running step" : ""} (the run can be resumed); any other key to carry on.</Text>;
  }
  if (!question || question.kind === "param") {
    return <Text dimColor>{running ? "Running… Ctrl-C to stop" : "Ctrl-C to stop"}</Text>;
  }
  return (
    <Box>
      <Text bold {...fg(theme, question.kind === "failed" ? "red" : "cyan")}>
        {PROMPT[question.kind]}{" "}
      </Text>
      {KEYS[question.kind].map(([key, label]) => (
        <Text key={key}>
          <Text inverse> {key} </Text> {label}{"  "}
        </Text>
      ))}
    </Box>
  );
}
