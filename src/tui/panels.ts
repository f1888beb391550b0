import type { PlanBlock, PlanStep } from "../run/plan.js";
import type { RollbackBarrier, RollbackItem } from "../run/ask.js";
import { scanShellVariables } from "../model/shell-vars.js";
import { displayShell, EMPTY, UNSET, type DisplayValues } from "../report/display-values.js";
import type { CheckRow, FailureView, RetryView, StepRow } from "../report/run-view.js";
import { formatDuration } from "../model/duration.js";
import { printableLine } from "../core/printable.js";
import { nearTwins, type NamedValue } from "../report/near-twins.js";
import { proseLines } from "./prose.js";
import { clampStyled, piecesToSpans, splitLines, wrapCode, wrapWords, type Span, type Style, type StyledLine } from "./styled.js";
import { besides, nameLines, valueLines } from "./value-lines.js";

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
  /** The step waits for a yes: the values its command uses are listed whole, and what does not fit says Tab shows it. */
  readonly asking?: boolean;
}

/** The step's title and marks, why it is irreversible, why its last attempt failed. */
function stepHead(step: PlanStep, row: StepRow | undefined, width: number, now: number): { lines: StyledLine[]; failed: boolean } {
  const marks = [step.manual ? "manual" : "", step.confirm ? "needs confirmation" : "", step.rollback ? "has a rollback" : ""].filter(Boolean);
  const lines: StyledLine[] = wrapWords([{ text: step.title, style: "bold" }, { text: ` (${step.id}${marks.length ? `; ${marks.join("; ")}` : ""})`, style: "dim" }], width);
  if (step.irreversible !== undefined) lines.push(...wrapWords([{ text: `⚠ irreversible: ${step.irreversible}`, style: "warn" }], width));
  const failed = row?.failure !== undefined && (row.word === "failed" || row.retry !== undefined);
  if (failed && row?.failure) lines.push(...failureLines(row.failure, row.retry, now, width));
  return { lines, failed };
}

/** The names a block's source reads that have a value to show, in the order it first reads them. */
export function namesUsed(sources: ReadonlyArray<string | undefined>, values: DisplayValues): string[] {
  const names = sources.flatMap((s) => (s === undefined ? [] : scanShellVariables(s).references.map((r) => r.name)));
  return [...new Set(names)].filter((n) => values.has(n));
}

/** Every value that can be compared: neither secret nor unset nor empty. */
const comparable = (values: DisplayValues): NamedValue[] => [...values].flatMap(([name, v]) => (v.secret || v.value === undefined || v.value === "" ? [] : [{ name, value: v.value }]));

/**
 * Values by name, each whole: wrapped in its column, never cut, a secret as `***`; where one looks
 * like another value of the run, the characters that differ are marked and named (see value-lines.ts).
 */
export function valuesBlock(names: readonly string[], values: DisplayValues, width: number, heading: string): StyledLine[] {
  if (names.length === 0) return [];
  const twins = nearTwins(comparable(values));
  const nameW = Math.max(1, Math.min(Math.max(...names.map((n) => Array.from(n).length)), Math.floor(width / 3)));
  const valueW = width - 2 - nameW - 1;
  const lines: StyledLine[] = [[{ text: heading, style: "dim" }]];
  for (const name of names) {
    const v = values.get(name);
    const value = v?.value === undefined ? UNSET : v.value === "" ? EMPTY : v.value;
    const style: Style = v?.value === undefined ? "unset" : v.value === "" ? "dim" : "value";
    const shown = (w: number) => valueLines(value, { width: w, style, twins: v?.value ? twins.get(name) : undefined, secret: v?.secret ?? false });
    // Too long for its column (or the column too narrow): the value on lines of its own under its name.
    if (valueW < 12 || Array.from(printableLine(value)).length > valueW || Array.from(name).length > nameW) lines.push([{ text: `  ${name}`, style: "name" }], ...besides([{ lines: [], width: 3 }, { lines: shown(width - 4), width: width - 4 }]));
    else lines.push(...besides([{ lines: [], width: 1 }, { lines: nameLines(name, nameW, "name"), width: nameW }, { lines: shown(valueW), width: valueW }]));
  }
  return lines;
}

/**
 * The step to look at: its title and marks; why its last attempt failed and when it is tried again;
 * its instructions re-wrapped; the exact command it runs, with values shown; when it waits for a
 * yes, each value the command uses, whole. What runs and what it runs with are kept before the
 * prose when space is short.
 */
export function stepPanel({ step, row, values, width, max, now, asking = false }: StepPanelInput): PanelContent {
  const head = stepHead(step, row, width, now);
  const { block, label } = shownBlock(step, row);
  const command = block ? sourceLines(block.source, values, width, label) : [];
  const used = asking && block ? valuesBlock(namesUsed([block.source], values), values, width, "values the command uses:") : [];
  const prose = proseLines(step.instructions, width, values);
  const room = Math.max(0, max - head.lines.length);
  const usedRoom = Math.min(used.length, room);
  const commandRoom = Math.min(command.length, room - usedRoom);
  // The instructions take what is left (all of it, on a manual step).
  const proseRoom = room - usedRoom - commandRoom;
  const how = asking ? ": Tab shows the whole step" : "";
  const lines = [...head.lines, ...clampStyled(prose, proseRoom, how), ...clampStyled(command, commandRoom, how), ...clampStyled(used, usedRoom, how)];
  return { lines: clampStyled(lines, max, how), tone: head.failed ? "red" : step.irreversible !== undefined ? "yellow" : "gray" };
}

/**
 * The whole step, to scroll through from its question (Tab): everything the panel shows, never
 * clamped, with its verify and rollback blocks and every value its blocks use.
 */
export function stepDetail({ step, row, values, width, now }: Omit<StepPanelInput, "max" | "asking">): StyledLine[] {
  const lines = [...stepHead(step, row, width, now).lines];
  const gap = () => lines.length > 0 && lines.at(-1)!.length > 0 && lines.push([]);
  const prose = proseLines(step.instructions, width, values);
  if (prose.length) {
    gap();
    lines.push(...prose);
  }
  const blocks = [
    { block: step.command, label: "" },
    { block: step.verify, label: "verify " },
    { block: step.rollback, label: "rollback " },
  ];
  for (const b of blocks) {
    if (!b.block) continue;
    gap();
    lines.push(...sourceLines(b.block.source, values, width, b.label));
  }
  const used = valuesBlock(namesUsed(blocks.map((b) => b.block?.source), values), values, width, "values the step uses:");
  if (used.length) {
    gap();
    lines.push(...used);
  }
  return lines;
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
export function rollbackPanel(items: readonly RollbackItem[], barrier: RollbackBarrier | undefined, width: number, max: number): PanelContent {
  const lines: StyledLine[] = [[{ text: "Rolling back will undo, in this order:", style: "bold" }]];
  if (items.length === 0) lines.push([{ text: barrier ? "nothing before the barrier below" : "nothing: no step has run", style: "dim" }]);
  items.forEach((it, i) => lines.push(...wrapWords([{ text: `${i + 1}. ${it.label} `, style: "plain" }, { text: it.action, style: it.runs ? "warn" : "dim" }], width, "", "   ")));
  if (barrier) {
    // The point of no return, and what stopping there leaves: said before anything is asked.
    lines.push(...wrapWords([{ text: `⚠ stops at ${barrier.target}: it is irreversible (${barrier.reason})`, style: "warn" }], width, "", "  "));
    if (barrier.beyond.length) {
      lines.push([{ text: "left as it is, because it came before that point of no return:", style: "dim" }]);
      for (const it of barrier.beyond) lines.push(...wrapWords([{ text: `  ${it.label} `, style: "dim" }, { text: it.action, style: "dim" }], width, "", "    "));
    }
  }
  return { lines: clampStyled(lines, max), tone: "yellow" };
}

/** A run taken over: who started it, how it stopped, what was answered. */
export function storyPanel(story: readonly string[], width: number, max: number): PanelContent {
  const lines = story.flatMap((l, i) => wrapWords([{ text: l.trimStart(), style: i === 0 ? "bold" : "plain" }], width, l.startsWith("  ") ? "  " : "", "    "));
  return { lines: clampStyled(lines, max), tone: "cyan" };
}
