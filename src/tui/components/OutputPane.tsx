import { Box, Text } from "ink";
import { printableLine, printableOutput } from "../../core/printable.js";
import type { OutputLine, OutputWindow } from "../output-log.js";
import { fg, type Theme } from "./theme.js";

export interface OutputPaneProps {
  readonly window: OutputWindow | undefined;
  /** Lines scrolled back from the end. */
  readonly back: number;
  /** The operator chose this output (else the running block's is followed). */
  readonly chosen: boolean;
  /** Lines it takes, its header included. */
  readonly height: number;
  readonly width: number;
  readonly theme: Theme;
  readonly runId: string | undefined;
  /** Whether other blocks have output to switch to. */
  readonly others: boolean;
  /** The run is over: the last output, kept in sight under the summary; no keys. */
  readonly ended: boolean;
}

/** How a target is named on screen. */
export function targetLabel(target: string): string {
  if (target.startsWith("@prerequisite/")) return `prerequisite ${target.slice(14)}`;
  if (target.startsWith("@rollback/")) return `runbook rollback ${target.slice(10)}`;
  return target;
}

/** A line as a terminal would leave it (after its last carriage return), escaped. */
const shown = (text: string) => printableOutput(text.slice(text.lastIndexOf("\r") + 1)).replace(/\t/g, "  ");

export interface Row {
  readonly stream: OutputLine["stream"];
  readonly text: string;
}

const rowsOf = (l: OutputLine, width: number): Row[] => {
  const chars = Array.from(shown(l.text));
  const rows: Row[] = [];
  for (let at = 0; at < chars.length || at === 0; at += width) rows.push({ stream: l.stream, text: chars.slice(at, at + width).join("") });
  return rows;
};

/**
 * The rows that fill `height` lines ending `back` lines before the end: long lines wrap (nothing is
 * cut off), so the top line may show only its end; scrolled back as far as it goes, the first line
 * is at the top. `first`/`last` index the lines shown. Pure.
 */
export function visibleRows(lines: readonly OutputLine[], back: number, height: number, width: number): { rows: Row[]; first: number; last: number } {
  const w = Math.max(1, width);
  if (back > 0 && back >= lines.length - height) {
    const rows: Row[] = [];
    let last = -1;
    for (let i = 0; i < lines.length && rows.length < height; i++) {
      rows.push(...rowsOf(lines[i]!, w));
      last = i;
    }
    return { rows: rows.slice(0, height), first: 0, last };
  }
  const last = lines.length - 1 - Math.min(back, Math.max(0, lines.length - 1));
  const rows: Row[] = [];
  let first = last + 1;
  for (let i = last; i >= 0 && rows.length < height; i--) {
    rows.unshift(...rowsOf(lines[i]!, w));
    first = i;
  }
  return { rows: rows.slice(Math.max(0, rows.length - height)), first, last };
}

/** The output of one block: followed as it grows, or scrolled; any earlier block's can be brought up. */
export function OutputPane({ window, back, chosen, height, width, theme, runId, others, ended }: OutputPaneProps) {
  const body = Math.max(0, height - 1);
  const nav = ended ? "" : ` ${`↑↓ PgUp PgDn Home End${others ? " · ←→ other steps" : ""}${chosen || back > 0 ? " · End: follow" : ""}`}`;
  if (!window) {
    return (
      <Box flexDirection="column">
        <Text dimColor wrap="truncate-end">── output ──</Text>
        {body > 0 ? <Text dimColor>(none yet)</Text> : null}
      </Box>
    );
  }
  let { rows, first, last } = visibleRows(window.lines, back, body, width);
  // At the first line kept, one row says where the lines before it are.
  const earlier = first === 0 && window.dropped > 0 && body > 1;
  if (earlier) ({ rows, first, last } = visibleRows(window.lines, back, body - 1, width));
  const shownRows = rows;
  const label = printableLine(targetLabel(window.target));
  const count = window.dropped + window.lines.length;
  const where = back > 0 || first > 0 || earlier ? ` · lines ${window.dropped + first + 1}–${window.dropped + last + 1} of ${count.toLocaleString("en-US")}` : "";
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate-end">
        ── {ended ? "last output" : "output"} of {label}
        {where} ──{nav}
      </Text>
      {earlier ? (
        <Text dimColor wrap="truncate-end">
          … {window.dropped.toLocaleString("en-US")} earlier lines: runbook log {runId ?? "<run-id>"} --step {label === window.target ? label : printableLine(window.target)}
        </Text>
      ) : null}
      {shownRows.map((r, i) => (
        <Text key={i} wrap="truncate-end" {...(r.stream === "meta" ? { dimColor: true } : fg(theme, r.stream === "stderr" ? "red" : undefined))}>
          {r.text === "" ? " " : r.text}
        </Text>
      ))}
    </Box>
  );
}
