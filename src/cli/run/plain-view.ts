import { createColors } from "picocolors";
import type { JournalEvent } from "../../journal/events.js";
import { progressOf } from "../../journal/progress.js";
import { formatDuration } from "../../schema/duration.js";
import type { Output } from "../io.js";

/** What the plain view shows of a plan: its title and each step's id and title. */
export interface ViewPlan {
  readonly title: string;
  readonly steps: ReadonlyArray<{ readonly id: string; readonly title: string }>;
}

/**
 * The non-interactive front end: one line per event, command output indented beneath its step.
 * No cursor movement, so it reads the same in a CI log, a pipe or a terminal.
 */
export class PlainView {
  readonly #out: Output;
  readonly #plan: ViewPlan;
  readonly #c: ReturnType<typeof createColors>;
  readonly #events: JournalEvent[] = [];
  #partial = "";

  constructor(out: Output, plan: ViewPlan, color: boolean) {
    this.#out = out;
    this.#plan = plan;
    this.#c = createColors(color);
  }

  get events(): readonly JournalEvent[] {
    return this.#events;
  }

  /** Seeds the view with a resumed run's earlier events without printing them. */
  seed(events: readonly JournalEvent[]): void {
    this.#events.push(...events);
  }

  #label(target: string): string {
    const i = this.#plan.steps.findIndex((s) => s.id === target);
    if (i >= 0) return `[${i + 1}/${this.#plan.steps.length}] ${target}`;
    if (target.startsWith("@prerequisite/")) return `prerequisite ${target.slice(14)}`;
    if (target.startsWith("@rollback/")) return `runbook rollback ${target.slice(10)}`;
    return target;
  }

  #line(s: string): void {
    this.#out.write(`${s}\n`);
  }

  #flushOutput(): void {
    if (this.#partial) this.#line(`  │ ${this.#partial}`);
    this.#partial = "";
  }

  onEvent = (e: JournalEvent): void => {
    this.#events.push(e);
    const c = this.#c;
    if (e.type !== "output") this.#flushOutput();
    switch (e.type) {
      case "run_started":
        this.#line(c.bold(`▶ ${this.#plan.title}`) + c.dim(` (run ${e.runId})`));
        break;
      case "run_resumed":
        this.#line(c.bold(`▶ resuming ${this.#plan.title}`) + c.dim(` (by ${e.operator}@${e.host})`));
        break;
      case "attempt_started": {
        const step = this.#plan.steps.find((s) => s.id === e.target);
        const what = e.phase === "command" ? (step ? `: ${step.title}` : "") : e.phase === "check" ? "" : ` ${e.phase}`;
        this.#line(`${c.cyan("●")} ${this.#label(e.target)}${what}${e.attempt > 1 ? c.dim(` (attempt ${e.attempt})`) : ""}`);
        break;
      }
      case "output": {
        const lines = (this.#partial + e.text).split(/\r?\n/);
        this.#partial = lines.pop() ?? "";
        // One write per chunk, not per line: a flood of output must not slow the step down.
        if (lines.length) this.#out.write(`  │ ${lines.join("\n  │ ")}\n`);
        break;
      }
      case "attempt_finished": {
        if (e.exitCode === 0 && !e.timedOut) break;
        const why = e.timedOut ? "timed out" : e.error ? e.error : e.signal ? `killed by ${e.signal}` : `exit ${e.exitCode}`;
        const retry = e.retryInMs !== null ? `; retrying in ${formatDuration(e.retryInMs)}` : "";
        this.#line(`${c.red("✖")} ${this.#label(e.target)} ${e.phase} failed (${why}) after ${formatDuration(e.durationMs)}${retry}`);
        break;
      }
      case "check_finished":
        this.#line(e.status === "passed" ? `${c.green("✔")} ${this.#label(e.target)} passed` : `${c.red("✖")} ${this.#label(e.target)} failed`);
        break;
      case "answer":
        this.#line(c.dim(`  ${e.question} → ${e.answer} (${e.by})`));
        break;
      case "step_finished": {
        const mark = e.status === "done" ? c.green("✔") : e.status === "skipped" ? c.yellow("↷") : c.red("✖");
        const capture = e.capture ? c.dim(` $${e.capture.name}=${e.capture.secret ? "***" : e.capture.value}`) : "";
        this.#line(`${mark} ${this.#label(e.target)} ${e.status}${capture}`);
        break;
      }
      case "rollback_started":
        this.#line(c.yellow(`↺ rolling back (${e.reason}): ${e.targets.join(", ") || "nothing to roll back"}`));
        break;
      case "rollback_finished":
        this.#line(`${e.status === "rolled_back" ? c.green("↺") : e.status === "failed" ? c.red("✖") : c.dim("·")} ${this.#label(e.target)} ${e.status === "none" ? `not rolled back (${e.note ?? "no rollback"})` : e.status.replace("_", " ")}`);
        break;
      case "run_interrupted":
        this.#line(c.yellow(`■ interrupted (${e.signal})${e.target ? ` during ${e.target}` : ""}`));
        break;
      case "verification_recorded":
        this.#line(c.green(`✔ verification recorded: last_verified ${e.date} by ${e.by}${e.commit ? ` (committed ${e.commit.slice(0, 8)})` : ""}`));
        break;
      case "verification_skipped":
        this.#line(c.yellow(`· no verification recorded: ${e.reason}`));
        break;
      default:
        break;
    }
  };

  /** The closing summary: each step's outcome and time, and what to do next. */
  summary(journalFile: string): string {
    const c = this.#c;
    const p = progressOf(this.#events);
    const w = p.steps.reduce((n, s) => Math.max(n, s.id.length), 0);
    const lines = ["", c.bold("Summary")];
    for (const s of p.steps) {
      const time = s.attempts ? `${formatDuration(s.durationMs)}${s.attempts > 1 ? ` (${s.attempts} attempts)` : ""}` : "";
      lines.push(`  ${s.id.padEnd(w)}  ${s.status.padEnd(15)}  ${time}`);
    }
    const total = p.startedAt && p.lastTs ? Date.parse(p.lastTs) - Date.parse(p.startedAt) : 0;
    const status = p.interrupted ? "interrupted" : (p.finished?.status ?? "unfinished");
    lines.push(`  total ${formatDuration(total)}; run ${p.runId ?? "?"}: ${status.replace("_", " ")}${p.finished?.note ? ` (${p.finished.note})` : ""}`);
    lines.push(c.dim(`  journal: ${journalFile}`));
    if (status !== "completed" && status !== "rolled_back" && p.runId) {
      lines.push(`  resume:   runbook resume ${p.runId}`, `  rollback: runbook rollback ${p.runId}`);
    }
    return `${lines.join("\n")}\n`;
  }
}
