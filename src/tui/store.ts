import type { FailedAnswer, InterruptedAnswer, ConfirmAnswer, ManualAnswer } from "../engine/engine.js";
import type { Plan, PlanStep } from "../engine/plan.js";
import type { JournalEvent } from "../journal/events.js";
import { progressOf, type Progress } from "../journal/progress.js";

/** What the operator is being asked, and how to answer it. */
export type Question =
  | { kind: "confirm"; step: PlanStep; answer: (a: ConfirmAnswer) => void }
  | { kind: "manual"; step: PlanStep; answer: (a: ManualAnswer) => void }
  | { kind: "failed"; step: PlanStep; answer: (a: FailedAnswer) => void }
  | { kind: "interrupted"; step: PlanStep; answer: (a: InterruptedAnswer) => void }
  | { kind: "param"; name: string; description: string | undefined; secret: boolean; validate: (v: string) => string | undefined; answer: (v: string) => void };

export interface OutputLine {
  readonly target: string;
  readonly stream: "stdout" | "stderr";
  readonly text: string;
}

export interface TuiSnapshot {
  readonly plan: Plan;
  readonly progress: Progress;
  /** The last lines of output, newest last. */
  readonly output: readonly OutputLine[];
  readonly outputTotal: number;
  readonly question: Question | undefined;
  /** Ctrl-C was pressed once: the next one stops the running step. */
  readonly stopArmed: boolean;
  readonly journalFile: string | undefined;
  readonly done: boolean;
  readonly version: number;
}

const KEEP_LINES = 500;

/**
 * The screen's state, fed by engine events and operator questions. Output is kept as a ring of
 * the last lines (the journal has all of it), and subscribers are told of changes at most every
 * `intervalMs`, so a step printing 200,000 lines costs the screen a few renders, not 200,000.
 */
export class TuiStore {
  readonly #plan: Plan;
  readonly #events: JournalEvent[] = [];
  #progress: Progress;
  #output: OutputLine[] = [];
  #outputTotal = 0;
  #partial = new Map<string, string>();
  #question: Question | undefined;
  #stopArmed = false;
  #journalFile: string | undefined;
  #done = false;
  #version = 0;
  #snapshot: TuiSnapshot;
  readonly #listeners = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;
  #progressDirty = false;

  constructor(plan: Plan, readonly intervalMs = 80) {
    this.#plan = plan;
    this.#progress = progressOf([]);
    this.#snapshot = this.#makeSnapshot();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): TuiSnapshot => this.#snapshot;

  seed(events: readonly JournalEvent[]): void {
    for (const e of events) if (e.type !== "output") this.#events.push(e);
    this.#progressDirty = true;
    this.#changed(true);
  }

  onEvent = (e: JournalEvent): void => {
    if (e.type === "output") {
      this.#addOutput(e.target, e.stream, e.text);
      this.#changed(false);
      return;
    }
    if (e.type === "attempt_started") this.#partial.clear();
    this.#events.push(e);
    this.#progressDirty = true;
    this.#changed(true);
  };

  ask(q: Question): void {
    this.#question = q;
    this.#changed(true);
  }

  answered(): void {
    this.#question = undefined;
    this.#changed(true);
  }

  setStopArmed(armed: boolean): void {
    this.#stopArmed = armed;
    this.#changed(true);
  }

  finish(journalFile: string): void {
    this.#journalFile = journalFile;
    this.#done = true;
    this.#changed(true);
  }

  #addOutput(target: string, stream: "stdout" | "stderr", text: string): void {
    const key = `${target}:${stream}`;
    const lines = ((this.#partial.get(key) ?? "") + text).split(/\r?\n/);
    this.#partial.set(key, lines.pop() ?? "");
    this.#outputTotal += lines.length;
    // Only the last KEEP_LINES can ever be shown: skip the rest without building objects for them.
    const from = Math.max(0, lines.length - KEEP_LINES);
    for (let i = from; i < lines.length; i++) this.#output.push({ target, stream, text: lines[i] ?? "" });
    if (this.#output.length > KEEP_LINES * 2) this.#output = this.#output.slice(-KEEP_LINES);
  }

  #changed(now: boolean): void {
    if (now) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#publish();
    } else {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#publish();
      }, this.intervalMs);
    }
  }

  #publish(): void {
    if (this.#progressDirty) {
      this.#progress = progressOf(this.#events);
      this.#progressDirty = false;
    }
    this.#version++;
    this.#snapshot = this.#makeSnapshot();
    for (const l of this.#listeners) l();
  }

  #makeSnapshot(): TuiSnapshot {
    const partials = [...this.#partial].filter(([, v]) => v !== "").map(([k, text]) => ({ target: k.slice(0, k.lastIndexOf(":")), stream: k.endsWith(":stderr") ? ("stderr" as const) : ("stdout" as const), text }));
    return {
      plan: this.#plan,
      progress: this.#progress,
      output: [...this.#output.slice(-KEEP_LINES), ...partials],
      outputTotal: this.#outputTotal,
      question: this.#question,
      stopArmed: this.#stopArmed,
      journalFile: this.#journalFile,
      done: this.#done,
      version: this.#version,
    };
  }

  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
