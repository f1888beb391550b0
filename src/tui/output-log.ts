import type { Phase } from "../journal/events.js";

export interface OutputLine {
  /** `meta`: a line the screen adds, such as where a new attempt begins. */
  readonly stream: "stdout" | "stderr" | "meta";
  readonly text: string;
}

/** One block's output as the screen keeps it: its last lines, and how many there were in all. */
export interface OutputWindow {
  readonly target: string;
  /** Oldest first; the line being written, if any, last. */
  readonly lines: readonly OutputLine[];
  /** Lines printed in all, including those no longer kept. */
  readonly total: number;
  /** Lines printed and no longer kept: `runbook log` has them. */
  readonly dropped: number;
}

/** Lines kept per block: the journal holds every one, the screen a window of them. */
export const KEEP_LINES = 1000;
/** Characters kept of one line. */
export const MAX_LINE = 2000;

interface Partial {
  text: string;
  /** Characters past MAX_LINE, not kept. */
  extra: number;
}

class TargetLog {
  lines: OutputLine[] = [];
  total = 0;
  dropped = 0;
  readonly partial: Record<"stdout" | "stderr", Partial> = { stdout: { text: "", extra: 0 }, stderr: { text: "", extra: 0 } };

  push(line: OutputLine): void {
    this.lines.push(line);
    if (this.lines.length > KEEP_LINES * 2) {
      // Trimmed in batches, so a flood costs one copy per thousand lines.
      this.dropped += this.lines.filter((l, i) => i < this.lines.length - KEEP_LINES && l.stream !== "meta").length;
      this.lines = this.lines.slice(-KEEP_LINES);
    }
  }
}

const cut = (p: Partial): string => (p.extra > 0 ? `${p.text}… (${p.extra.toLocaleString("en-US")} more characters)` : p.text);

/** A line being written: only what a terminal would show of it is kept (after its last carriage return), up to MAX_LINE. */
function grow(p: Partial, text: string): void {
  let joined = p.text + text;
  const cr = joined.lastIndexOf("\r");
  if (cr > 0) {
    joined = joined.slice(cr);
    p.extra = 0;
  }
  if (joined.length > MAX_LINE) {
    p.extra += joined.length - MAX_LINE;
    joined = joined.slice(0, MAX_LINE);
  }
  p.text = joined;
}

/**
 * Every block's output, by target, each in a bounded window: memory stays bounded however much a
 * step prints, and any block's lines can be brought back on screen.
 */
export class OutputLog {
  readonly #targets = new Map<string, TargetLog>();

  #of(target: string): TargetLog {
    let t = this.#targets.get(target);
    if (!t) {
      t = new TargetLog();
      this.#targets.set(target, t);
    }
    return t;
  }

  /** Adds output; returns how many whole lines it completed. */
  add(target: string, stream: "stdout" | "stderr", text: string): number {
    const t = this.#of(target);
    const parts = text.split(/\r?\n/);
    const last = parts.pop() ?? "";
    const p = t.partial[stream];
    let count = 0;
    // Only the last KEEP_LINES of a chunk can be kept: skip the rest without building lines for them.
    const skipFrom = parts.length - KEEP_LINES;
    parts.forEach((part, i) => {
      count++;
      t.total++;
      if (i === 0) {
        grow(p, part);
      } else if (i < skipFrom) {
        t.dropped++;
        return;
      } else {
        p.text = "";
        p.extra = 0;
        grow(p, part);
      }
      t.push({ stream, text: cut(p) });
      p.text = "";
      p.extra = 0;
    });
    grow(p, last);
    return count;
  }

  /** A new attempt of a block: what the last one left unfinished is kept, and a line marks where this one begins. */
  startAttempt(target: string, phase: Phase, attempt: number, host?: string): void {
    const t = this.#targets.get(target);
    if (!t) return;
    for (const stream of ["stdout", "stderr"] as const) {
      if (t.partial[stream].text !== "") t.push({ stream, text: cut(t.partial[stream]) });
      t.partial[stream] = { text: "", extra: 0 };
    }
    t.push({ stream: "meta", text: `── ${host === undefined ? "" : `${host}: `}${phase === "command" ? "" : `${phase} `}attempt ${attempt} ──` });
  }

  window(target: string | undefined): OutputWindow | undefined {
    const t = target === undefined ? undefined : this.#targets.get(target);
    if (!t || target === undefined) return undefined;
    const partials = (["stdout", "stderr"] as const).filter((s) => t.partial[s].text !== "").map((s) => ({ stream: s, text: cut(t.partial[s]) }));
    const lines = t.lines.length > KEEP_LINES ? t.lines.slice(-KEEP_LINES) : [...t.lines];
    const dropped = t.dropped + (t.lines.length - lines.length);
    return { target, lines: [...lines, ...partials], total: t.total, dropped };
  }

  /** Targets with output, in the order they first printed. */
  targets(): string[] {
    return [...this.#targets.keys()];
  }
}
