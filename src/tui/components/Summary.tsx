import { Box } from "ink";
import { rowTime, type RunView, type StepRow } from "../../report/run-view.js";
import { formatDuration } from "../../model/duration.js";
import { clampStyled, wrapCode, wrapWords, type StyledLine } from "../styled.js";
import { Lines } from "./Lines.js";
import { offerLines, offerText } from "../../report/openness.js";
import { STATUS_ICON, stepLabel, type Theme } from "./theme.js";

export interface SummaryProps {
  readonly view: RunView;
  readonly journalFile: string | undefined;
  /** Inside the border. */
  readonly width: number;
  /** Lines inside the border, at most. */
  readonly max: number;
  readonly theme: Theme;
}

const ICON_STYLE = { done: "ok", failed: "error", "rollback failed": "error", skipped: "warn", interrupted: "warn", "not rolled back": "warn" } as const;

function row(s: StepRow, idWidth: number): StyledLine {
  const t = rowTime(s);
  const time = t ? ` ${t}` : "";
  const why = s.failure && s.word !== "done" ? ` ${s.failure.phase === "command" ? "" : `${s.failure.phase} `}${s.failure.what}` : "";
  return [
    { text: `${STATUS_ICON[s.word]} `, style: (ICON_STYLE as Record<string, "ok" | "error" | "warn">)[s.word] ?? "plain" },
    { text: `${s.id.padEnd(idWidth)} `, style: "plain" },
    { text: `${stepLabel(s.word).padEnd(15)}${time}`, style: "dim" },
    { text: why, style: "error" },
  ];
}

/**
 * The end of a run: its outcome, each step's (the steps that went as planned folded into one line when
 * they do not fit), why a step or a prerequisite failed, and what to type next, `runbook log` included.
 * Pure.
 */
export function summaryLines(view: RunView, journalFile: string | undefined, width: number, max: number): StyledLine[] {
  const head: StyledLine[] = wrapWords([{ text: `Run ${view.word} in ${formatDuration(view.totalMs)}`, style: "bold" }, ...(view.note ? [{ text: ` (${view.note})`, style: "dim" as const }] : [])], width);
  const failures: StyledLine[] = [];
  for (const c of view.checks.filter((x) => x.status === "failed")) {
    failures.push([{ text: `✖ ${c.label} failed${c.failure ? `: ${c.failure.what}` : ""}`, style: "error" }]);
    if (c.failure?.hint) failures.push(...wrapWords([{ text: c.failure.hint, style: "plain" }], width, "  ", "  "));
    if (c.command) c.command.replace(/\n$/, "").split("\n").forEach((l, i) => failures.push(...wrapCode([{ text: l, style: "command" }], width, i === 0 ? "  $ " : "    ", "    ")));
  }
  const failed = view.rows.find((s) => s.word === "failed" && s.failure?.hint);
  if (failed?.failure?.hint) failures.push(...wrapWords([{ text: `${failed.id}: ${failed.failure.what}: ${failed.failure.hint}`, style: "plain" }], width, "", "  "));
  const tail: StyledLine[] = [];
  if (view.verification) tail.push([{ text: view.verification.text, style: view.verification.recorded ? "ok" : "warn" }]);
  tail.push([{ text: `run id:    ${view.runId}`, style: "dim" }]);
  // A path or a command cut short cannot be copied: these wrap.
  const copyable = (label: string, text: string, style: "dim" | "plain") => tail.push(...wrapCode([{ text, style }], width, label, " ".repeat(label.length)));
  if (journalFile) copyable("journal:   ", journalFile, "dim");
  // What to type next, in the words and order of every other view (report/openness.ts).
  for (const l of offerLines(view.commands)) copyable(`${l.label}:`.padEnd(11), offerText(l), l.command === undefined ? "dim" : "plain");
  copyable("output:    ", view.commands.log, "plain");
  const why = "  (every line of every step)";
  if (Array.from(`output:    ${view.commands.log}${why}`).length <= width) tail[tail.length - 1] = [...tail[tail.length - 1]!, { text: why, style: "dim" }];

  const idWidth = Math.min(24, view.rows.reduce((n, s) => Math.max(n, s.id.length), 0));
  const room = Math.max(1, max - head.length - failures.length - tail.length);
  let rows = view.rows.map((s) => row(s, idWidth));
  if (rows.length > room) {
    // Fold the steps that went as planned and those never reached; what else happened stays in sight.
    const plain = view.rows.filter((s) => s.word === "done" && !s.failure);
    const pending = view.rows.filter((s) => s.word === "pending");
    const rest = view.rows.filter((s) => !plain.includes(s) && !pending.includes(s));
    rows = [
      ...(plain.length ? [[{ text: `✔ ${plain.length} step${plain.length === 1 ? "" : "s"} done`, style: "ok" as const }]] : []),
      ...rest.map((s) => row(s, idWidth)),
      ...(pending.length ? [[{ text: `· ${pending.length} step${pending.length === 1 ? "" : "s"} not reached (${pending[0]!.id}${pending.length > 1 ? " …" : ""})`, style: "dim" as const }]] : []),
    ];
    rows = clampStyled(rows, room);
  }
  return clampStyled([...head, ...rows, ...failures, ...tail], max);
}

export function Summary({ view, journalFile, width, max, theme }: SummaryProps) {
  const ok = view.word === "completed";
  return (
    <Box flexDirection="column" borderStyle="round" {...(theme.color ? { borderColor: ok ? "green" : "yellow" } : {})} paddingX={1}>
      <Lines lines={summaryLines(view, journalFile, width, max)} theme={theme} />
    </Box>
  );
}
