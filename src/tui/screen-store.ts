import type { Plan } from "../run/plan.js";
import type { EventOf, JournalEvent } from "../journal/events.js";
import type { Ask } from "../run/ask.js";
import type { ParamEntry } from "../run/param-review.js";
import type { ParamQuestion } from "../run/params.js";
import type { RunState } from "../run/state.js";
import { inFlight } from "../run/next.js";
import { storyLines, toView, type RunView } from "../report/run-view.js";
import { NO_UI, type QuestionUi } from "./answer-keys.js";
import { OutputLog, type OutputWindow } from "./output-log.js";
import { PLAIN_SCREEN, type ScreenUi } from "./screen-keys.js";

/** What the operator is being asked, and how to answer it. */
export type Question =
  | (Ask & { readonly answer: (a: string) => void })
  | (ParamQuestion & { readonly kind: "param"; readonly answer: (v: string) => void })
  | { readonly kind: "review"; readonly entries: readonly ParamEntry[]; readonly answer: (values: Readonly<Record<string, string>> | undefined) => void };

/** A question the engine asks (not a param, not the review). */
export const isEngineQuestion = (q: Question | undefined): q is Extract<Question, Ask> => q !== undefined && q.kind !== "param" && q.kind !== "review";

export interface TuiSnapshot {
  readonly plan: Plan;
  /** The run as its state says; undefined before the run has started (while params are asked). */
  readonly view: RunView | undefined;
  /** The output on screen: the running block's, or the one the operator chose. */
  readonly output: OutputWindow | undefined;
  /** Lines scrolled back from the end of `output` (0: its end). */
  readonly scrollBack: number;
  /** The operator chose which output to look at (else the running block's is followed). */
  readonly chosen: boolean;
  /** Targets that have output, in the order they first printed. */
  readonly outputTargets: readonly string[];
  /** Steps at once (`parallel:`): the output of each step in flight, in run order, when more than one is. */
  readonly live: readonly OutputWindow[];
  readonly question: Question | undefined;
  /** What the keys did at the question on screen: a pending second key, a hint, typed text. */
  readonly ui: QuestionUi;
  /** The list of keys, or the whole step asked about, drawn instead of the usual screen. */
  readonly screen: ScreenUi;
  readonly notices: readonly string[];
  /** Someone asks to take this shared run over: shown until granted (h) or the run ends. */
  readonly handover: { readonly line: string; readonly grant: () => void } | undefined;
  /** A run taken over: who started it, how it stopped, what was answered; until it moves on. */
  readonly story: readonly string[] | undefined;
  /** Ctrl-C was pressed once: the next one stops the running step. */
  readonly stopArmed: boolean;
  readonly journalFile: string | undefined;
  readonly done: boolean;
  readonly version: number;
}

/**
 * The screen's state: the run's state (from the session, after each event), each block's output in
 * a bounded window (the journal has all of it), which output is on screen and how far it is scrolled,
 * and the question on screen. Subscribers are told of changes at most every `intervalMs`, so a step
 * printing 200,000 lines costs a few renders.
 */
export class TuiStore {
  readonly #plan: Plan;
  #state: RunState | undefined;
  #view: RunView | undefined;
  readonly #log = new OutputLog();
  /** The block that started last: followed unless the operator chose another. */
  #live: string | undefined;
  #chosen: string | undefined;
  #back = 0;
  #question: Question | undefined;
  #ui: QuestionUi = NO_UI;
  #screen: ScreenUi = PLAIN_SCREEN;
  #notices: string[] = [];
  #handover: TuiSnapshot["handover"];
  #story: readonly string[] | undefined;
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

  /** A run taken over: its state so far, the answers its journal holds, and the end of each block's output. */
  show(state: RunState, answers: ReadonlyArray<EventOf<"answer">> = [], now = Date.now()): void {
    this.#state = state;
    const view = toView(state, this.#plan, "me");
    // Told as it stood when taken over: taking it over changes the state (a new session, no interruption).
    this.#story = storyLines(view, answers, now);
    for (const [target, tail] of state.tails) this.#log.add(target, "stdout", tail.endsWith("\n") ? tail : `${tail}\n`);
    this.#viewDirty = true;
    this.#live = view.lastOutput?.target ?? this.#live;
    this.#changed(true);
  }

  onEvent = (e: JournalEvent, state: RunState): void => {
    this.#state = state;
    this.#viewDirty = true;
    if (e.type === "output") {
      const added = this.#log.add(e.target, e.stream, e.host === undefined ? e.text : this.#byHost(e.host, e.stream, e.text));
      // Scrolled back: keep the same lines on screen while more arrive below.
      if (this.#back > 0 && e.target === this.#shownTarget()) this.#back += added;
      this.#changed(false);
      return;
    }
    if (e.type === "note" && e.queued) {
      // A colleague's note, left with `runbook note` while this run is live: shown where notices are.
      this.notice(`✎ note from ${e.by}: ${e.text}`);
      return;
    }
    if (e.type === "attempt_started") {
      this.#log.startAttempt(e.target, e.phase, e.attempt, e.host);
      this.#live = e.target;
      // The run has moved on from where it was taken over.
      this.#story = undefined;
      if (this.#chosen === undefined) this.#back = 0;
    }
    this.#changed(true);
  };

  /** Whether each host's stream is at the start of a line, by `host\0stream`. */
  readonly #hostAtLineStart = new Map<string, boolean>();

  /** A host's output with each line it begins prefixed by the host: hosts of a step on a group write at once. */
  #byHost(host: string, stream: string, text: string): string {
    const key = `${host}\0${stream}`;
    let atStart = this.#hostAtLineStart.get(key) ?? true;
    let out = "";
    for (const piece of text.split(/(?<=\n)/)) {
      if (atStart && piece !== "") out += `${host}: `;
      out += piece;
      atStart = piece.endsWith("\n");
    }
    this.#hostAtLineStart.set(key, atStart);
    return out;
  }

  ask(q: Question): void {
    this.#question = q;
    this.#ui = NO_UI;
    // The whole step was the last question's. The list of keys stays until a key closes it: that key must not answer this question.
    this.#screen = { ...this.#screen, expanded: false, top: 0 };
    // A failure is what the operator must see: its output, at its end.
    if (q.kind === "failed") this.follow();
    this.#changed(true);
  }

  answered(): void {
    this.#question = undefined;
    this.#ui = NO_UI;
    this.#screen = { ...this.#screen, expanded: false, top: 0 };
    this.#changed(true);
  }

  setUi(ui: QuestionUi): void {
    this.#ui = ui;
    this.#changed(true);
  }

  setScreen(screen: ScreenUi): void {
    this.#screen = screen;
    this.#changed(true);
  }

  /** A request to hand the run over, with what grants it: the h key. */
  offerHandover(by: string, host: string, message: string, grant: () => void): void {
    this.#handover = {
      line: `✋ ${by} (${host}) asks to take this run over${message ? `: ${message}` : ""}. Press h to hand it over: it stops before the next step.`,
      grant: () => {
        this.#handover = undefined;
        this.#changed(true);
        grant();
      },
    };
    this.#changed(true);
  }

  notice(text: string): void {
    this.#notices = [...this.#notices.slice(-1), text];
    this.#changed(true);
  }

  setStopArmed(armed: boolean): void {
    this.#stopArmed = armed;
    this.#changed(true);
  }

  /** Scrolls the output on screen by `lines` (positive: back, towards older lines); `height` lines are on screen. */
  scroll(lines: number, height: number): void {
    const kept = this.#log.window(this.#shownTarget())?.lines.length ?? 0;
    this.#back = Math.max(0, Math.min(Math.max(0, kept - height), this.#back + lines));
    this.#changed(true);
  }

  /** To the first line kept. */
  top(height: number): void {
    this.scroll(Number.MAX_SAFE_INTEGER, height);
  }

  /** Back to the running block's output, at its end. */
  follow(): void {
    this.#chosen = undefined;
    this.#back = 0;
    this.#changed(true);
  }

  /** Shows the output of the block before (-1) or after (+1) the one on screen. */
  switchOutput(delta: number): void {
    const targets = this.#log.targets();
    if (targets.length === 0) return;
    const at = targets.indexOf(this.#shownTarget() ?? "");
    const next = targets[Math.max(0, Math.min(targets.length - 1, (at < 0 ? targets.length : at) + delta))];
    this.#chosen = next === this.#live ? undefined : next;
    this.#back = 0;
    this.#changed(true);
  }

  finish(state: RunState | undefined, journalFile: string | undefined): void {
    if (state) this.#state = state;
    this.#journalFile = journalFile;
    this.#done = true;
    this.#viewDirty = true;
    this.follow();
  }

  #shownTarget(): string | undefined {
    return this.#chosen ?? this.#live;
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
    if (this.#viewDirty && this.#state) this.#view = toView(this.#state, this.#plan, "me");
    this.#viewDirty = false;
    this.#version++;
    this.#snapshot = this.#makeSnapshot();
    for (const l of this.#listeners) l();
  }

  #makeSnapshot(): TuiSnapshot {
    return {
      plan: this.#plan,
      view: this.#view,
      output: this.#log.window(this.#shownTarget()),
      scrollBack: this.#back,
      chosen: this.#chosen !== undefined,
      outputTargets: this.#log.targets(),
      live: this.#liveWindows(),
      question: this.#question,
      ui: this.#ui,
      screen: this.#screen,
      notices: this.#notices,
      handover: this.#handover,
      story: this.#story,
      stopArmed: this.#stopArmed,
      journalFile: this.#journalFile,
      done: this.#done,
      version: this.#version,
    };
  }

  #liveWindows(): OutputWindow[] {
    if (!this.#state || this.#done) return [];
    const flying = [...this.#state.steps.values()].filter(inFlight);
    if (flying.length < 2) return [];
    return flying.map((st) => this.#log.window(st.id) ?? { target: st.id, lines: [], total: 0, dropped: 0 });
  }

  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
