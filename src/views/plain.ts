import { createColors } from "picocolors";
import type { JournalEvent } from "../journal/events.js";
import type { RunState } from "../run/state.js";
import { toView, type ViewPlan } from "../run/view.js";
import { formatDuration } from "../schema/duration.js";
import { printableLine, printableOutput } from "./printable.js";


export interface Out {
  write(chunk: string): unknown;
}

/**
 * The plain front end: one line per event, command output indented beneath its step. No cursor
 * movement, so it reads the same in a CI log, a pipe or a terminal. It keeps no state of its own:
 * the summary is drawn from the run's state.
 */
export class PlainView {
  readonly #out: Out;
  readonly #plan: ViewPlan;
  readonly #c: ReturnType<typeof createColors>;
  #partial = "";

  constructor(out: Out, plan: ViewPlan, color: boolean) {
    this.#out = out;
    this.#plan = plan;
    this.#c = createColors(color);
  }

  #label(target: string): string {
    const i = this.#plan.steps.findIndex((s) => s.id === target);
    if (i >= 0) return `[${i + 1}/${this.#plan.steps.length}] ${printableLine(target)}`;
    if (target.startsWith("@prerequisite/")) return `prerequisite ${target.slice(14)}`;
    if (target.startsWith("@rollback/")) return `runbook rollback ${target.slice(10)}`;
    return printableLine(target);
  }

  #line(s: string): void {
    this.#out.write(`${s}\n`);
  }

  #flushOutput(): void {
    if (this.#partial) this.#line(`  │ ${shown(this.#partial)}`);
    this.#partial = "";
  }

  onEvent = (e: JournalEvent): void => {
    const c = this.#c;
    if (e.type !== "output") this.#flushOutput();
    switch (e.type) {
      case "run_started":
        this.#line(c.bold(`▶ ${this.#plan.title}`) + c.dim(` (run ${e.runId})`));
        break;
      case "run_resumed":
        this.#line(c.bold(`▶ ${e.mode === "rollback" ? "rolling back" : "resuming"} ${this.#plan.title}`) + c.dim(` (by ${printableLine(e.operator)}@${printableLine(e.host)})`));
        break;
      case "attempt_started": {
        const step = this.#plan.steps.find((s) => s.id === e.target);
        const what = e.phase === "command" ? (step ? `: ${printableLine(step.title)}` : "") : e.phase === "check" ? "" : ` ${e.phase}`;
        this.#line(`${c.cyan("●")} ${this.#label(e.target)}${what}${e.attempt > 1 ? c.dim(` (attempt ${e.attempt})`) : ""}`);
        break;
      }
      case "output": {
        const lines = (this.#partial + e.text).split(/\r?\n/);
        this.#partial = lines.pop() ?? "";
        // One write per chunk, not per line: a flood of output must not slow the step down.
        if (lines.length) this.#out.write(`  │ ${lines.map(shown).join("\n  │ ")}\n`);
        break;
      }
      case "attempt_finished": {
        // An interrupted attempt is told by the interruption's own line.
        if ((e.exitCode === 0 && !e.timedOut && e.error === undefined) || e.interrupted) break;
        const why = e.timedOut ? "timed out" : e.error ? printableLine(e.error) : e.signal ? `killed by ${e.signal}` : `exit ${e.exitCode}`;
        const retry = e.retryInMs !== null ? `; retrying in ${formatDuration(e.retryInMs)}` : "";
        this.#line(`${c.red("✖")} ${this.#label(e.target)} ${e.phase} failed (${why}) after ${formatDuration(e.durationMs)}${retry}`);
        break;
      }
      case "check_finished":
        this.#line(e.status === "passed" ? `${c.green("✔")} ${this.#label(e.target)} passed` : `${c.red("✖")} ${this.#label(e.target)} failed`);
        break;
      case "answer":
        this.#line(c.dim(`  ${e.question.replace(/_/g, " ")} → ${printableLine(e.answer)} (${printableLine(e.by)})`));
        break;
      case "step_finished": {
        const mark = e.status === "done" ? c.green("✔") : e.status === "skipped" || e.status === "assumed" ? c.yellow("↷") : c.red("✖");
        const word = e.status === "assumed" ? "assumed done by the operator" : e.status;
        const capture = e.capture ? c.dim(` $${e.capture.name}=${e.capture.secret ? "***" : printableLine(e.capture.value ?? "")}`) : "";
        this.#line(`${mark} ${this.#label(e.target)} ${word}${capture}`);
        break;
      }
      case "rollback_started":
        this.#line(c.yellow(`↺ rolling back (${printableLine(e.reason)}): ${e.targets.map((t) => printableLine(t)).join(", ") || "nothing to roll back"}`));
        break;
      case "rollback_finished":
        this.#line(`${e.status === "rolled_back" ? c.green("↺") : e.status === "failed" ? c.red("✖") : c.dim("·")} ${this.#label(e.target)} ${e.status === "none" ? `not rolled back (${printableLine(e.note ?? "no rollback")})` : `${e.status.replace("_", " ")}${e.note ? ` (${printableLine(e.note)})` : ""}`}`);
        break;
      case "run_interrupted":
        this.#line(c.yellow(`■ interrupted (${printableLine(e.signal)})${e.target ? ` during ${printableLine(e.target)}` : ""}`));
        break;
      case "verification_recorded":
        this.#line(c.green(`✔ verification recorded: last_verified ${e.date} by ${printableLine(e.by)}${e.commit ? ` (committed ${e.commit.slice(0, 8)})` : ""}`));
        break;
      case "verification_skipped":
        this.#line(c.yellow(`· no verification recorded: ${printableLine(e.reason)}`));
        break;
      case "note":
        // A colleague's note, left with `runbook note` while this run is live.
        if (e.queued) this.#line(c.cyan(`✎ note from ${printableLine(e.by)}: ${printableLine(e.text)}`));
        break;
      default:
        break;
    }
  };

  /** The closing summary: each step's outcome and time, and what to do next. */
  summary(state: RunState, journalFile: string | undefined, live = true): string {
    this.#flushOutput();
    const c = this.#c;
    const v = toView(state, this.#plan, live);
    const w = v.rows.reduce((n, s) => Math.max(n, s.id.length), 0);
    const lines = ["", c.bold("Summary")];
    for (const s of v.rows) {
      const time = s.attempts ? `${formatDuration(s.durationMs)}${s.attempts > 1 ? ` (${s.attempts} attempts)` : ""}` : "";
      lines.push(`  ${printableLine(s.id).padEnd(w)}  ${s.word.padEnd(15)}  ${time}`);
    }
    lines.push(`  total ${formatDuration(v.totalMs)}; run ${v.runId}: ${v.word}${v.note ? ` (${printableLine(v.note)})` : ""}`);
    if (journalFile) lines.push(c.dim(`  journal: ${journalFile}`));
    if (v.commands.resume) lines.push(`  resume:   ${v.commands.resume}`);
    if (v.commands.rollback) lines.push(`  rollback: ${v.commands.rollback}`);
    return `${lines.join("\n")}\n`;
  }
}

/** One line of output as a terminal would show it: after its last carriage return, escaped. */
function shown(line: string): string {
  return printableOutput(line.slice(line.lastIndexOf("\r") + 1));
}
