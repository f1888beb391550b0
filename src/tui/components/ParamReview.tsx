import { Box, Text, useInput } from "ink";
import { useRef, useState } from "react";
import type { ParamEntry } from "../../run/param-review.js";
import { reviewHelp } from "../help.js";
import { keyPresses } from "../keys.js";
import { heightWindow } from "../fit.js";
import { editLines, reviewTable } from "../review-layout.js";
import { initialReview, onReviewKey, type ReviewState } from "../review-keys.js";
import { clampStyled, wrapWords, type StyledLine } from "../styled.js";
import { HelpBox } from "./HelpBox.js";
import { Lines } from "./Lines.js";
import { border, type Theme } from "./theme.js";

export interface ParamReviewProps {
  readonly entries: readonly ParamEntry[];
  /** The values to start with, or undefined to leave without running anything. */
  readonly onDone: (values: Readonly<Record<string, string>> | undefined) => void;
  readonly width: number;
  /** Lines it may take. */
  readonly height: number;
  readonly theme: Theme;
  /** Where to begin (tests). */
  readonly initial?: ReviewState;
}

/** Lines of the box that are not params: its border, its title, the column heads, the start row. */
const BOX_LINES = 5;

function hintLines(entries: readonly ParamEntry[], s: ReviewState, width: number): StyledLine[] {
  const text = s.quitArmed
    ? "Leave without running anything? Press q again or Enter; any other key stays."
    : entries[s.cursor]
      ? "Enter edit · ↑↓ choose · s start · q leave without running · ? keys"
      : "↑↓ choose a param · Enter or s start · q leave without running · ? keys";
  return wrapWords([{ text, style: s.quitArmed ? "warn" : "dim" }], width);
}

/**
 * Every param before the run starts: its value whole (wrapped, never cut), where it came from and
 * what the runbook says of it; where two values look alike, what differs is marked. Any can be
 * changed (a param with choices from its list; a secret typed again, never shown).
 */
export function ParamReview({ entries, onDone, width, height, theme, initial }: ParamReviewProps) {
  const current = useRef<ReviewState>(initial ?? initialReview(entries));
  const [s, setS] = useState(current.current);
  const done = useRef(false);
  useInput((input, key) => {
    for (const k of keyPresses(input, key)) {
      if (done.current || k.ctrl === "c") return;
      const r = onReviewKey(entries, current.current, k);
      current.current = r.state;
      if (r.outcome) {
        done.current = true;
        onDone("quit" in r.outcome ? undefined : r.outcome.start);
        return;
      }
    }
    setS(current.current);
  });

  const editing = s.editing ? entries.find((e) => e.name === s.editing?.name) : undefined;
  if (s.help) {
    return (
      <Box flexDirection="column">
        <HelpBox sections={reviewHelp(editing?.choices ? "choice" : undefined)} width={width} height={height - 1} theme={theme} />
        <Lines lines={wrapWords([{ text: "Any key closes this list; it answers nothing.", style: "bold" }], width)} theme={theme} />
      </Box>
    );
  }
  // Inside the round border and its padding.
  const inner = Math.max(10, width - 4);
  const below = editing ? editLines(editing, s, width - 2) : hintLines(entries, s, width);
  const room = Math.max(1, height - BOX_LINES - below.length);
  // What the runbook says of each param goes on lines of their own, when there is room for them.
  const full = reviewTable(entries, s, inner, true);
  const table = full.rows.reduce((n, r) => n + r.length, 0) <= room ? full : reviewTable(entries, s, inner, false);
  const focus = Math.min(s.cursor, entries.length - 1);
  const win = heightWindow(table.rows.map((r) => r.length), focus, room);
  const markers = (win.above > 0 ? 1 : 0) + (win.below > 0 ? 1 : 0);
  // A value longer than the whole screen: its first lines, and how many more (the only cut there is).
  const rows = table.rows.slice(win.start, win.end).map((r, i) => (win.start + i === focus ? clampStyled(r, Math.max(1, room - markers)) : r));
  return (
    <Box flexDirection="column">
      <Box flexDirection="column" borderStyle="round" {...border(theme, "cyan")} paddingX={1}>
        <Text bold wrap="truncate-end">Check the params before the run starts</Text>
        <Lines lines={[table.header]} theme={theme} />
        {win.above > 0 ? <Text dimColor>  … {win.above} more above</Text> : null}
        <Lines lines={rows.flat()} theme={theme} />
        {win.below > 0 ? <Text dimColor>  … {win.below} more</Text> : null}
        <Text inverse={s.cursor === entries.length && !s.editing} bold wrap="truncate-end">
          {s.cursor === entries.length ? "› " : "  "}▶ Start the run
        </Text>
      </Box>
      <Box paddingX={editing ? 1 : 0}>
        <Lines lines={below} theme={theme} />
      </Box>
    </Box>
  );
}
