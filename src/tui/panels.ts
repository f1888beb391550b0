import type { PlanBlock, PlanStep } from "../engine/plan.js";
import type { RollbackItem } from "../run/ask.js";
import { displayShell, type DisplayValues } from "../run/display-values.js";
import type { CheckRow, FailureView, RetryView, StepRow } from "../run/view.js";
import { formatDuration } from "../schema/duration.js";
import { proseLines } from "./prose.js";
import { clampStyled, piecesToSpans, splitLines, wrapCode, wrapWords, type Span, type StyledLine } from "./styled.js";

/** The box under the step list: what it says, and the colour of its border. */
export interface PanelContent {
  readonly lines: readonly StyledLine[];
  readonly tone: "gray" | "red" | "yellow" | "cyan";
}

/** Lines a panel's border and padding take: 2 rows, 4 columns. */
export const PANEL_ROWS = 2;
export const PANEL_COLUMNS = 4;

/** "attempt 2 of 4 in 3.2s", counting down to `now`. */
export function retryText(r: RetryView, now: number): string {
  const left = Math.max(0, r.at - now);
  return `attempt ${r.attempt}${r.of !== undefined ? ` of ${r.of}` : ""} in ${left < 60_000 ? `${(left / 1000).toFixed(1)}s` : formatDuration(left)}`;
}

function failureLines(f: FailureView, retry: RetryView | undefined, now: number, width: number): StyledLine[] {
  const head: Span[] = [{ text: `✖ ${f.phase === "command" ? "" : `${f.phase} `}attempt ${f.attempt} failed: ${f.what} after ${formatDuration(f.durationMs)}`, style: "error" }];
  if (retry) head.push({ text: ` · ${retryText(retry, now)}`, style: "warn" });
  const lines = wrapWords(head, width);
  if (f.hint) lines.push(...wrapWords([{ text: f.hint, style: "plain" }], width, "  ", "  "));
  return lines;
}

/** A block's source as displayed: values put in, `$ ` before its first line. */
function sourceLines(source: string, values: DisplayValues, width: number, label = ""): StyledLine[] {
  return splitLines(piecesToSpans(displayShell(source.replace(/\n$/, ""), values), "command")).flatMap((line, i) => wrapCode(line, width, i === 0 ? `${label}$ ` : " ".repeat(label.length + 2), " ".repeat(label.length + 4)));
}

/** Which block a step's panel shows: the one that failed, else its command. */
function shownBlock(step: PlanStep, row: StepRow | undefined): { block: PlanBlock | undefined; label: string } {
  const phase = row?.failure?.phase ?? row?.phase;
  if (phase === "verify" && step.verify) return { block: step.verify, label: "verify " };
  if (phase === "rollback" && step.rollback && row?.failure) return { block: step.rollback, label: "rollback " };
  return { block: step.command, label: "" };
}

export interface StepPanelInput {
  readonly step: PlanStep;
  readonly row: StepRow | undefined;
  readonly values: DisplayValues;
  /** Inside the border. */
  readonly width: number;
  /** Lines inside the border, at most. */
  readonly max: number;
  readonly now: number;
}

/**
 * The step to look at: its title and marks; why its last attempt failed and when it is tried again;
 * its instructions re-wrapped; the exact command it runs, with values shown. The command is kept
 * before the prose when space is short.
 */
export function stepPanel({ step, row, values, width, max, now }: StepPanelInput): PanelContent {
  const marks = [step.manual ? "manual" : "", step.confirm ? "needs confirmation" : "", step.rollback ? "has a rollback" : ""].filter(Boolean);
  const head: StyledLine[] = [[{ text: step.title, style: "bold" }, { text: ` (${step.id}${marks.length ? `; ${marks.join("; ")}` : ""})`, style: "dim" }]];
  if (step.irreversible !== undefined) head.push(...wrapWords([{ text: `⚠ irreversible: ${step.irreversible}`, style: "warn" }], width));
  const failed = row?.failure !== undefined && (row.word === "failed" || row.retry !== undefined);
  if (failed && row?.failure) head.push(...failureLines(row.failure, row.retry, now, width));
  const { block, label } = shownBlock(step, row);
  const command = block ? sourceLines(block.source, values, width, label) : [];
  const prose = proseLines(step.instructions, width, values);
  const room = Math.max(0, max - head.length);
  // What runs comes first; the instructions take what is left (all of it, on a manual step).
  const commandRoom = Math.min(command.length, room);
  const proseRoom = room - commandRoom;
  const lines = [...head, ...clampStyled(prose, proseRoom), ...clampStyled(command, commandRoom)];
  return { lines: clampStyled(lines, max), tone: failed ? "red" : step.irreversible !== undefined ? "yellow" : "gray" };
}

/** A prerequisite check: its command, why it failed, when it is tried again. */
export function checkPanel(check: CheckRow, values: DisplayValues, width: number, max: number, now: number): PanelContent {
  const status = check.status === "failed" ? "failed" : check.status === "running" ? (check.retry ? "failed, to be tried again" : "running") : check.status;
  const lines: StyledLine[] = [[{ text: check.label, style: "bold" }, { text: ` (${status}; no step runs until every prerequisite passes)`, style: "dim" }]];
  if (check.failure) lines.push(...failureLines(check.failure, check.retry, now, width));
  if (check.command) lines.push(...sourceLines(check.command, values, width));
  return { lines: clampStyled(lines, max), tone: check.failure ? "red" : "gray" };
}

/** What a rollback will undo, in order, before anything is undone. */
export function rollbackPanel(items: readonly RollbackItem[], width: number, max: number): PanelContent {
  const lines: StyledLine[] = [[{ text: "Rolling back will undo, in this order:", style: "bold" }]];
  if (items.length === 0) lines.push([{ text: "nothing: no step has run", style: "dim" }]);
  items.forEach((it, i) => lines.push(...wrapWords([{ text: `${i + 1}. ${it.label} `, style: "plain" }, { text: it.action, style: it.runs ? "warn" : "dim" }], width, "", "   ")));
  return { lines: clampStyled(lines, max), tone: "yellow" };
}

/** A run taken over: who started it, how it stopped, what was answered. */
export function storyPanel(story: readonly string[], width: number, max: number): PanelContent {
  const lines = story.flatMap((l, i) => wrapWords([{ text: l.trimStart(), style: i === 0 ? "bold" : "plain" }], width, l.startsWith("  ") ? "  " : "", "    "));
  return { lines: clampStyled(lines, max), tone: "cyan" };
}
