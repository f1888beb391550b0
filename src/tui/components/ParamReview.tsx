import { Box, Text, useInput } from "ink";
import { useRef, useState } from "react";
import type { ParamEntry } from "../../run/param-review.js";
import { printableLine } from "../../views/printable.js";
import { keyPresses } from "../keys.js";
import { listWindow } from "../layout.js";
import { initialReview, onReviewKey, type ReviewState } from "../review-keys.js";
import { ChoiceList } from "./ChoiceList.js";
import { border, fg, type Theme } from "./theme.js";

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

const SOURCE: Record<string, string> = { flag: "-p flag", environment: "RUNBOOK_PARAM_", default: "default", typed: "typed", edited: "edited" };

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, Math.max(0, n - 1))}…` : s.padEnd(n));

/** What the runbook says of a param: its description, example, default and choices. */
export function aboutParam(e: ParamEntry): string {
  return [e.description, e.example !== undefined ? `e.g. ${e.example}` : undefined, e.defaultValue !== undefined ? `default ${e.defaultValue}` : undefined, e.choices ? `one of ${e.choices.join(", ")}` : undefined, e.secret ? "secret: never shown" : undefined]
    .filter(Boolean)
    .join(" · ");
}

/**
 * Every param before the run starts: its value, where it came from and what the runbook says of it.
 * Any can be changed (a param with choices from its list; a secret typed again, never shown).
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

  const nameW = Math.min(20, Math.max(5, ...entries.map((e) => e.name.length)));
  const longest = Math.max(5, ...entries.map((e) => (e.secret ? 3 : Array.from(current.current.values[e.name] ?? "").length)));
  const valueW = Math.max(8, Math.min(longest, 40, width - 4 - 2 - nameW - 1 - 15 - 1));
  const editing = s.editing ? entries.find((e) => e.name === s.editing?.name) : undefined;
  const editLines = editing ? (editing.choices ? editing.choices.length : 1) + 2 : 0;
  const rowsRoom = Math.max(1, height - 7 - Math.max(1, editLines));
  // What the runbook says of each param goes on a line of its own, when there is room for it.
  const about = entries.map(aboutParam);
  const twoLines = entries.length + about.filter(Boolean).length <= rowsRoom;
  const win = listWindow(entries.length, Math.min(s.cursor, entries.length - 1), twoLines ? entries.length : rowsRoom);
  const shown = (e: ParamEntry) => (e.secret ? "***" : printableLine(s.values[e.name] ?? ""));
  const liveError = s.editing && editing && !editing.choices && s.editing.text !== "" ? editing.validate(s.editing.text) : undefined;
  return (
    <Box flexDirection="column">
      <Box flexDirection="column" borderStyle="round" {...border(theme, "cyan")} paddingX={1}>
        <Text bold wrap="truncate-end">Check the params before the run starts</Text>
        <Text dimColor wrap="truncate-end">
          {"  "}
          {cut("param", nameW)} {cut("value", valueW)} from
        </Text>
        {win.above > 0 ? <Text dimColor>  … {win.above} more above</Text> : null}
        {entries.slice(win.start, win.end).map((e, i) => {
          const at = win.start + i === s.cursor;
          const source = s.sources[e.name] ?? e.source;
          const text = about[win.start + i];
          return (
            <Box key={e.name} flexDirection="column">
              <Text wrap="truncate-end" inverse={at && !s.editing}>
                {at ? "› " : "  "}
                <Text bold>{cut(e.name, nameW)}</Text> <Text {...fg(theme, source === "edited" ? "yellow" : "green")}>{cut(shown(e), valueW)}</Text> {SOURCE[source] ?? source}
              </Text>
              {twoLines && text ? (
                <Text dimColor wrap="truncate-end">
                  {"    "}
                  {printableLine(text)}
                </Text>
              ) : null}
            </Box>
          );
        })}
        {win.below > 0 ? <Text dimColor>  … {win.below} more</Text> : null}
        <Text inverse={s.cursor === entries.length && !s.editing} bold wrap="truncate-end">
          {s.cursor === entries.length ? "› " : "  "}▶ Start the run
        </Text>
      </Box>
      {editing && s.editing ? (
        <Box flexDirection="column" paddingX={1}>
          <Text bold wrap="truncate-end">
            {editing.name}
            <Text dimColor> {printableLine(aboutParam(editing))}</Text>
          </Text>
          {editing.choices ? (
            <ChoiceList choices={editing.choices} selected={s.editing.choice} theme={theme} />
          ) : (
            <Text wrap="truncate-end">
              › {editing.secret ? "*".repeat(Array.from(s.editing.text).length) : printableLine(s.editing.text)}
              <Text inverse> </Text>
            </Text>
          )}
          {s.error || liveError ? <Text {...fg(theme, "red")} wrap="truncate-end">{printableLine(s.error ?? liveError ?? "")}</Text> : <Text dimColor wrap="truncate-end">{editing.choices ? "↑↓ or 1-9 choose · Enter keep · Esc cancel" : "Enter keep · Esc cancel · Ctrl-U clear"}</Text>}
        </Box>
      ) : (
        <Text wrap="truncate-end" {...(s.quitArmed ? fg(theme, "yellow") : { dimColor: true })}>
          {s.quitArmed
            ? "Leave without running anything? Press q again or Enter; any other key stays."
            : entries[s.cursor]
              ? "Enter edit · ↑↓ choose · s start · q leave without running"
              : "↑↓ choose a param · Enter edit · Enter or s start · q leave without running"}
        </Text>
      )}
    </Box>
  );
}
