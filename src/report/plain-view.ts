import { createColors } from "picocolors";
import type { EventOf, JournalEvent, Phase } from "../journal/events.js";
import { describeFailure } from "./failure-text.js";
import { failed } from "../journal/outcome.js";
import { interruptedWord, type Attempt, type RunState } from "../run/state.js";
import { assumedBy, ROLLBACK_WORDS, STEP_WORDS } from "../run/words.js";
import { offerLines, offerText, type Holder } from "./openness.js";
import { attemptOf, rowTime, storyLines, toView, type ViewBlock, type ViewPlan } from "./run-view.js";
import { formatDuration } from "../model/duration.js";
import { printableLine, printableOutput } from "../core/printable.js";
import { captureText } from "./display-values.js";

export interface Out {
  write(chunk: string): unknown;
}

/**
 * The plain front end: one line per event, command output indented beneath its step. No cursor
 * movement, so it reads the same in a CI log, a pipe or a terminal. It keeps no state of its own:
 * each event is told with the run's state after it (the fold's, run/state.ts), the summary from the
 * same state.
 */
export class PlainView {
  readonly #out: Out;
  readonly #plan: ViewPlan;
  readonly #c: ReturnType<typeof createColors>;
  #partial = "";
  /** The unfinished last line of each owned stream (a host's, a step's run at once), by `owner\0stream`. */
  readonly #hostPartials = new Map<string, string>();

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

  #block(target: string, phase: Phase): ViewBlock | undefined {
    const check = this.#plan.checks?.find((c) => c.target === target);
    if (check) return check;
    const step = this.#plan.steps.find((s) => s.id === target);
    return phase === "command" ? step?.command : phase === "verify" ? step?.verify : phase === "rollback" ? step?.rollback : undefined;
  }

  #line(s: string): void {
    this.#out.write(`${s}\n`);
  }

  #flushOutput(): void {
    if (this.#partial) this.#line(`  │ ${shown(this.#partial)}`);
    this.#partial = "";
  }

  /** Whose a line is: its host, and its step when steps run at once (`parallel:`); nobody's when neither. */
  #whose(target: string, host: string | undefined): string | undefined {
    const steps = (this.#plan.parallel ?? 1) > 1;
    if (host === undefined) return steps ? printableLine(target) : undefined;
    return steps ? `${printableLine(target)}/${printableLine(host)}` : printableLine(host);
  }

  /** What a block printed without a last newline, once its attempt ends (lines with an owner only). */
  #flushOwned(target: string, host: string | undefined): void {
    const who = this.#whose(target, host);
    if (who === undefined) return;
    for (const stream of ["stdout", "stderr"]) {
      const key = `${who}\0${stream}`;
      const rest = this.#hostPartials.get(key);
      if (rest) this.#line(`  │ ${who}: ${shown(rest)}`);
      this.#hostPartials.delete(key);
    }
  }

  onEvent = (e: JournalEvent, state: RunState): void => {
    const c = this.#c;
    if (e.type !== "output") this.#flushOutput();
    switch (e.type) {
      case "run_started": {
        this.#line(c.bold(`▶ ${this.#plan.title}`) + c.dim(` (run ${e.runId})`));
        const params = Object.entries(e.params);
        // Secrets are *** in the event already.
        if (params.length) this.#line(c.dim(`  params: ${params.map(([k, v]) => `${k}=${printableLine(v)}`).join(" ")}`));
        if (e.approval) this.#line(c.dim(`  approved plan ${e.approval.plan}: requested by ${printableLine(e.approval.requester)}, approved by ${e.approval.approvers.map(printableLine).join(", ")}`));
        if (e.breakGlass) this.#line(c.red(c.bold(`  BREAK GLASS: no approval; ${printableLine(e.breakGlass.reason)}`)));
        if (e.approvalAt?.length) this.#line(c.dim(`  approval needed before ${e.approvalAt.map((id) => printableLine(id)).join(", ")}: the run waits there for an approved plan`));
        break;
      }
      case "run_resumed":
        this.#line(c.bold(`▶ ${e.mode === "rollback" ? "rolling back" : "resuming"} ${this.#plan.title}`) + c.dim(` (by ${printableLine(e.operator)}@${printableLine(e.host)})`));
        break;
      case "attempt_started": {
        const step = this.#plan.steps.find((s) => s.id === e.target);
        const what = e.phase === "command" ? (step ? `: ${printableLine(step.title)}` : "") : e.phase === "check" ? "" : ` ${e.phase}`;
        this.#line(`${c.cyan("●")} ${this.#label(e.target)}${onHost(e.host)}${what}${e.attempt > 1 ? c.dim(` (attempt ${e.attempt})`) : ""}`);
        break;
      }
      case "output": {
        const who = this.#whose(e.target, e.host);
        if (who !== undefined) {
          // Hosts of a step on a group, or steps run at once, write at once: each line says whose it is.
          const key = `${who}\0${e.stream}`;
          const owned = ((this.#hostPartials.get(key) ?? "") + e.text).split(/\r?\n/);
          this.#hostPartials.set(key, owned.pop() ?? "");
          if (owned.length) this.#out.write(`  │ ${owned.map((l) => `${who}: ${shown(l)}`).join("\n  │ ")}\n`);
          break;
        }
        const lines = (this.#partial + e.text).split(/\r?\n/);
        this.#partial = lines.pop() ?? "";
        // One write per chunk, not per line: a flood of output must not slow the step down.
        if (lines.length) this.#out.write(`  │ ${lines.map(shown).join("\n  │ ")}\n`);
        break;
      }
      case "attempt_finished":
        this.#flushOwned(e.target, e.host);
        this.#failed(e, e.host === undefined ? attemptOf(state, e.target, e.phase) : (e.phase === "rollback" ? state.steps.get(e.target)?.hosts.get(e.host)?.rollbackAttempt : state.steps.get(e.target)?.hosts.get(e.host)?.attempt));
        break;
      case "check_finished":
        this.#line(e.status === "passed" ? `${c.green("✔")} ${this.#label(e.target)} passed` : `${c.red("✖")} ${this.#label(e.target)} failed`);
        break;
      case "answer":
        this.#line(c.dim(`  ${e.question.replace(/_/g, " ")} → ${printableLine(e.answer)} (${printableLine(e.by)})`));
        break;
      case "step_finished": {
        const mark = e.status === "done" ? c.green("✔") : e.status === "skipped" || e.status === "assumed" ? c.yellow("↷") : c.red("✖");
        const word = e.status === "assumed" ? `${STEP_WORDS.assumed} ${assumedBy(e.by, state.started.options.drill === true)}` : STEP_WORDS[e.status];
        const capture = e.capture ? c.dim(` ${printableLine(captureText(e.capture))}`) : "";
        this.#line(`${mark} ${this.#label(e.target)}${onHost(e.host)} ${word}${capture}`);
        break;
      }
      case "rollback_started":
        this.#line(c.yellow(`↺ rolling back (${printableLine(e.reason)}): ${e.targets.map((t) => printableLine(t)).join(", ") || "nothing to roll back"}`));
        if (e.barrier) {
          const left = e.beyond?.length ? `; left as it is: ${e.beyond.map((t) => printableLine(t)).join(", ")}` : "";
          this.#line(c.yellow(`  stops at ${printableLine(e.barrier.target)}, which is irreversible (${printableLine(e.barrier.reason)})${left}`));
        }
        break;
      case "rollback_finished":
        this.#line(`${e.status === "rolled_back" ? c.green("↺") : e.status === "failed" ? c.red("✖") : c.dim("·")} ${this.#label(e.target)}${onHost(e.host)} ${ROLLBACK_WORDS[e.status]}${e.status === "none" ? ` (${printableLine(e.note ?? "no rollback")})` : e.note ? ` (${printableLine(e.note)})` : ""}`);
        break;
      case "run_interrupted":
        this.#line(c.yellow(`■ interrupted (${printableLine(e.signal)})${e.target ? ` ${interruptedWord(state, e.target)} ${printableLine(e.target)}` : ""}`));
        break;
      case "verification_recorded":
        this.#line(c.green(`✔ verification recorded: last_verified ${e.date} by ${printableLine(e.by)}${e.commit ? ` (committed ${e.commit.slice(0, 8)})` : ""}`));
        break;
      case "verification_skipped":
        this.#line(c.yellow(`· no verification recorded: ${printableLine(e.reason)}`));
        break;
      case "handover_asked":
        this.#line(c.yellow(`✋ ${printableLine(e.by)} (${printableLine(e.host)}) asks to take this run over${e.message ? `: ${printableLine(e.message)}` : ""}`));
        break;
      case "approval_checked":
        this.#line(c.green(`✔ approved plan ${e.plan} verified before ${printableLine(e.target)}: requested by ${printableLine(e.requester)}, approved by ${e.approvers.map((a) => printableLine(a)).join(", ")}`));
        break;
      case "released":
        this.#line(c.yellow(`⇢ released to ${printableLine(e.to ?? "whoever resumes it")} by ${printableLine(e.by)}: stopped before the next step`));
        break;
      case "note":
        // A colleague's note, left with `runbook note` while this run is live.
        if (e.queued) this.#line(c.cyan(`✎ note from ${printableLine(e.by)}: ${printableLine(e.text)}`));
        break;
      default:
        break;
    }
  };

  /** Why an attempt failed, what the code usually means, when the next attempt starts; a check's command. */
  #failed(e: EventOf<"attempt_finished">, a: Attempt | undefined): void {
    // Passed, or cut short: an interrupted attempt is told by the interruption's own line.
    if (!failed(e)) return;
    const c = this.#c;
    const block = this.#block(e.target, e.phase);
    const why = describeFailure(e, block?.timeoutMs);
    const of = block ? ` of ${block.retries + 1}` : "";
    const retry = e.retryInMs !== null ? `; attempt ${(a?.retry ?? 0) + 2}${of} in ${formatDuration(e.retryInMs)}` : "";
    this.#line(`${c.red("✖")} ${this.#label(e.target)}${onHost(e.host)} ${e.phase} failed: ${printableLine(why.what)} after ${formatDuration(e.durationMs)}${retry}`);
    if (why.hint) this.#line(c.dim(`  ${why.hint}`));
    if (e.phase === "check" && block && e.retryInMs === null) this.#line(`  ${c.dim("$")} ${printableOutput(block.source).split("\n").join("\n    ")}`);
  }

  /** A run taken over: who started it, how it stopped, what was answered, and the end of the last output. */
  story(state: RunState, answers: ReadonlyArray<EventOf<"answer">>, now: number): void {
    const c = this.#c;
    const v = toView(state, this.#plan, "me");
    this.#line(c.bold(`▶ ${this.#plan.title}`) + c.dim(` (run ${v.runId})`));
    for (const l of storyLines(v, answers, now)) this.#line(`  ${printableLine(l)}`);
    if (v.lastOutput) {
      const lines = v.lastOutput.text.replace(/\n$/, "").split("\n").slice(-10);
      this.#line(c.dim(`  last output of ${this.#label(v.lastOutput.target)} (${v.commands.log} --step ${printableLine(v.lastOutput.target)} has all of it):`));
      this.#out.write(`  │ ${lines.map(shown).join("\n  │ ")}\n`);
    }
  }

  /** The closing summary: each step's outcome and time, and what to do next. */
  summary(state: RunState, journalFile: string | undefined, holder: Holder | "me" | undefined): string {
    this.#flushOutput();
    const c = this.#c;
    const v = toView(state, this.#plan, holder);
    const w = v.rows.reduce((n, s) => Math.max(n, s.id.length), 0);
    const lines = ["", c.bold("Summary")];
    for (const s of v.rows) {
      const time = rowTime(s);
      const why = s.failure && s.word !== "done" ? `  (${s.failure.phase} ${printableLine(s.failure.what)})` : "";
      lines.push(`  ${printableLine(s.id).padEnd(w)}  ${STEP_WORDS[s.word].padEnd(15)}  ${time}${why}`.trimEnd());
      if (s.hosts) lines.push(`  ${"".padEnd(w)}  ${printableLine(s.hosts)}`);
    }
    for (const ch of v.checks.filter((x) => x.status === "failed")) {
      lines.push(`  ${ch.label} failed${ch.failure ? `: ${printableLine(ch.failure.what)}` : ""}`);
      if (ch.command) lines.push(`    $ ${printableOutput(ch.command).split("\n").join("\n      ")}`);
    }
    lines.push(`  total ${formatDuration(v.totalMs)}; run ${v.runId}: ${v.word}${v.note ? ` (${printableLine(v.note)})` : ""}`);
    if (journalFile) lines.push(c.dim(`  journal: ${journalFile}`));
    for (const l of offerLines(v.commands)) lines.push(`  ${`${l.label}:`.padEnd(11)}${printableLine(offerText(l))}`);
    lines.push(`  output:    ${v.commands.log}`);
    return `${lines.join("\n")}\n`;
  }
}

/** ` on app-1` for an event of one host of a step on a group. */
function onHost(host: string | undefined): string {
  return host === undefined ? "" : ` on ${printableLine(host)}`;
}

/** One line of output as a terminal would show it: after its last carriage return, escaped. */
function shown(line: string): string {
  return printableOutput(line.slice(line.lastIndexOf("\r") + 1));
}
