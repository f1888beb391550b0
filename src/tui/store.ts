import type { Plan } from "../engine/plan.js";
import type { JournalEvent } from "../journal/events.js";
import type { Ask } from "../run/ask.js";
import type { RunState } from "../run/state.js";
import { toView, type RunView } from "../run/view.js";

/** What the operator is being asked, and how to answer it. */
export type Question =
  | (Ask & { readonly answer: (a: string) => void })
  | { readonly kind: "param"; readonly name: string; readonly description: string | undefined; readonly secret: boolean; readonly validate: (v: string) => string | undefined; readonly answer: (v: string) => void };

export interface OutputLine {
  readonly target: string;
  readonly stream: "stdout" | "stderr";
  readonly text: string;
}

export interface TuiSnapshot {
  readonly plan: Plan;
  /** The run as its state says; undefined before the run has started (while params are asked). */
  readonly view: RunView | undefined;
  /** The last lines of output, newest last. */
  readonly output: readonly OutputLine[];
  readonly outputTotal: number;
  readonly question: Question | undefined;
  readonly notices: readonly string[];
  /** Ctrl-C was pressed once: the next one stops the running step. */
  readonly stopArmed: boolean;
  readonly journalFile: string | undefined;
  readonly done: boolean;
  readonly version: number;
}

const KEEP_LINES = 500;

/**
 * The screen's state: the run's state (from the session, after each event), a ring of the last
 * output lines (the journal has all of it), and the question on screen. Subscribers are told of
 * changes at most every `intervalMs`, so a step printing 200,000 lines costs a few renders.
 */
export class TuiStore {
  readonly #plan: Plan;
  #state: RunState | undefined;
  #view: RunView | undefined;
  #output: OutputLine[] = [];
  #outputTotal = 0;
  #partial = new Map<string, string>();
  #question: Question | undefined;
  #notices: string[] = [];
  #stopArmed = false;
  #journalFile: string | undefined;
  #done = false;
  #version = 0;
  #snapshot: TuiSnapshot;
  readonly #listeners = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;
  #viewDirty = false;

  constructor(plan: Plan, readonly intervalMs = 80) {
    this.#plan = plan;
    this.#snapshot = this.#makeSnapshot();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): TuiSnapshot => this.#snapshot;

  /** A run taken over: its state so far, and the output tail of what ran last. */
  show(state: RunState): void {
    this.#state = state;
    const last = state.lastEvent.type === "output" ? state.lastEvent.target : [...state.tails.keys()].at(-1);
    const tail = last ? state.tails.get(last) : undefined;
    if (last && tail) this.#addOutput(last, "stdout", tail.endsWith("\n") ? tail : `${tail}\n`);
    this.#viewDirty = true;
    this.#changed(true);
  }

  onEvent = (e: JournalEvent, state: RunState): void => {
    this.#state = state;
    if (e.type === "output") {
      this.#addOutput(e.target, e.stream, e.text);
      this.#viewDirty = true;
      this.#changed(false);
      return;
    }
    if (e.type === "attempt_started") this.#partial.clear();
    this.#viewDirty = true;
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

  notice(text: string): void {
    this.#notices = [...this.#notices.slice(-2), text];
    this.#changed(true);
  }

  setStopArmed(armed: boolean): void {
    this.#stopArmed = armed;
    this.#changed(true);
  }

  finish(state: RunState | undefined, journalFile: string | undefined): void {
    if (state) this.#state = state;
    this.#journalFile = journalFile;
    this.#done = true;
    this.#viewDirty = true;
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
    if (this.#viewDirty && this.#state) this.#view = toView(this.#state, this.#plan);
    this.#viewDirty = false;
    this.#version++;
    this.#snapshot = this.#makeSnapshot();
    for (const l of this.#listeners) l();
  }

  #makeSnapshot(): TuiSnapshot {
    const partials = [...this.#partial].filter(([, v]) => v !== "").map(([k, text]) => ({ target: k.slice(0, k.lastIndexOf(":")), stream: k.endsWith(":stderr") ? ("stderr" as const) : ("stdout" as const), text }));
    return {
      plan: this.#plan,
      view: this.#view,
      output: [...this.#output.slice(-KEEP_LINES), ...partials],
      outputTotal: this.#outputTotal,
      question: this.#question,
      notices: this.#notices,
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
