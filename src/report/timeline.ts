import type { EventOf, JournalEvent } from "../journal/events.js";
import { runWord, type RunState } from "../run/state.js";
import { formatDuration } from "../model/duration.js";
import { mdBlock, mdCode, mdText, when } from "./markdown-text.js";

const KEEP = 30;

/**
 * `runbook log --format markdown`: the incident timeline of one run, fed one event at a time (a
 * journal is read as a stream). Every event with its time, who answered what, and the last lines
 * of output of every block that failed; other output is left to `runbook log`.
 */
export class Timeline {
  readonly #out: (text: string) => void;
  #output = new Map<string, string[]>();
  #day = "";

  constructor(out: (text: string) => void) {
    this.#out = out;
  }

  onEvent(e: JournalEvent): void {
    if (e.type === "output") {
      const key = `${e.target}:${e.phase}`;
      const lines = [...(this.#output.get(key) ?? []), ...e.text.split(/\r?\n/).filter((l) => l !== "")];
      this.#output.set(key, lines.slice(-KEEP));
      return;
    }
    if (e.type === "run_started") return this.#out(header(e));
    if (e.type === "attempt_spawned") return;
    const line = describe(e);
    if (line === undefined) return;
    const day = e.ts.slice(0, 10);
    const at = day === this.#day ? `${e.ts.slice(11, 19)}Z` : when(e.ts);
    this.#day = day;
    this.#out(`- **${at}** ${line}\n`);
    if (e.type === "attempt_started") this.#output.delete(`${e.target}:${e.phase}`);
    if (e.type === "attempt_finished" && !(e.exitCode === 0 && !e.timedOut && e.error === undefined)) {
      const lines = this.#output.get(`${e.target}:${e.phase}`) ?? [];
      if (lines.length) this.#out(`\n  ${mdBlock(lines).trimEnd().split("\n").join("\n  ")}\n\n`);
    }
  }

  end(state: RunState, live: boolean): void {
    const took = state.ended ? `, ${formatDuration(Date.parse(state.ended.ts) - Date.parse(state.started.ts))} from start to end` : "";
    const by = state.status === "closed" ? ` by ${mdText(state.ended?.by ?? "?")}` : "";
    const lines = ["", "## Outcome", "", `**${mdText(runWord(state, live))}**${by}${state.ended?.note ? ` (${mdText(state.ended.note)})` : ""}${took}`];
    // What a rollback that stopped at an irreversible step left in place: the next person must know.
    if (state.status === "rolled_back_to") {
      const beyond = state.rollback?.beyond ?? [];
      const barrier = state.rollback?.barrier;
      lines.push("", `Not undone${barrier ? ` (before the irreversible step ${mdCode(barrier.target)}: ${mdText(barrier.reason)})` : ""}: ${beyond.length ? beyond.map(mdCode).join(", ") : "nothing"}.`);
    }
    if (state.notes.length) {
      lines.push("", "## Notes", "");
      for (const n of state.notes) lines.push(`- ${when(n.at)}, ${mdText(n.by)}: ${mdText(n.text)}`);
    }
    this.#out(`${lines.join("\n")}\n`);
  }
}

function header(s: EventOf<"run_started">): string {
  const params = Object.entries(s.params);
  const lines = [
    `# Run ${s.runId}: ${mdText(s.runbook.title ?? s.runbook.id)}`,
    "",
    `- runbook: ${mdCode(s.runbook.path ?? s.runbook.file)} (${mdCode(s.runbook.id)})${s.git ? ` at commit ${mdCode(s.git.commit.slice(0, 12))}${s.git.dirty ? " (file modified)" : ""}` : ""}`,
    `- started: ${when(s.ts)} by ${mdText(s.operator)}@${mdText(s.host)}`,
  ];
  if (params.length) lines.push(`- params: ${params.map(([k, v]) => mdCode(`${k}=${v}`)).join(", ")}`);
  if (s.approval) lines.push(`- approved plan ${mdCode(s.approval.plan)}: requested by ${mdText(s.approval.requester)}, approved by ${s.approval.approvers.map(mdText).join(", ")} (signatures verified at commit ${mdCode(s.approval.commit.slice(0, 12))})`);
  // GitHub renders a CAUTION alert in red: a run without its approval must not read like any other.
  if (s.breakGlass) lines.push("", "> [!CAUTION]", `> **BREAK GLASS**: run without ${s.breakGlass.needed ? "the approval this runbook needs" : "an approved plan"}, by ${mdText(s.operator)}: ${mdText(s.breakGlass.reason)}`);
  lines.push("", "## Timeline", "", "");
  return lines.join("\n").replace(/\n\n\n$/, "\n\n");
}

function describe(e: Exclude<JournalEvent, EventOf<"output"> | EventOf<"run_started">>): string | undefined {
  const t = (target: string) => mdCode(target);
  switch (e.type) {
    case "run_resumed":
      return `${e.mode === "rollback" ? "rollback taken over" : "resumed"} by ${mdText(e.operator)}@${mdText(e.host)}${e.forced ? " (forced)" : ""}`;
    case "attempt_started":
      return `${t(e.target)} ${e.phase} started${e.attempt > 1 ? ` (attempt ${e.attempt}${e.retry ? `, automatic retry ${e.retry}` : ""})` : ""}`;
    case "attempt_finished": {
      if (e.interrupted) return `${t(e.target)} ${e.phase} cut short by an interruption after ${formatDuration(e.durationMs)}`;
      const ok = e.exitCode === 0 && !e.timedOut && e.error === undefined;
      if (ok) return `${t(e.target)} ${e.phase} passed in ${formatDuration(e.durationMs)}${e.capture ? ` (captured ${mdCode(`$${e.capture.name}=${e.capture.secret ? "***" : (e.capture.value ?? "")}`)})` : ""}`;
      const why = e.timedOut ? "timed out" : e.error ? mdText(e.error) : e.signal ? `killed by ${e.signal}` : `exit ${e.exitCode}`;
      return `${t(e.target)} ${e.phase} **failed** (${why}) after ${formatDuration(e.durationMs)}${e.retryInMs !== null ? `; retry in ${formatDuration(e.retryInMs)}` : ""}`;
    }
    case "check_finished":
      return `prerequisite ${t(e.target)} ${e.status}`;
    case "answer":
      if (e.question === "barrier") return e.answer === "past" ? `**${mdText(e.by)}** went past the irreversible step ${t(e.target)}: what came before it is undone too` : `**${mdText(e.by)}** stopped the rollback at the irreversible step ${t(e.target)}`;
      return `**${mdText(e.by)}** answered ${e.question.replace(/_/g, " ")} at ${t(e.target)}: **${mdText(e.answer)}**`;
    case "step_finished":
      return `${t(e.target)} ${e.status === "assumed" ? "assumed done" : `**${e.status}**`}${e.by !== "run" ? ` (by ${e.by === "resume" ? "an answer at a resume" : "the operator"})` : ""}`;
    case "rollback_started": {
      const stops = e.barrier ? `; it stops at the irreversible step ${t(e.barrier.target)} (${mdText(e.barrier.reason)})${e.beyond?.length ? `, leaving ${e.beyond.map(t).join(", ")} as they are` : ""}` : "";
      return `**rollback started** (${mdText(e.reason)}): ${e.targets.map(t).join(", ") || "nothing to undo"}${stops}`;
    }
    case "rollback_finished":
      return `${t(e.target)} ${e.status === "rolled_back" ? "rolled back" : e.status === "failed" ? "**rollback failed**" : "not rolled back"}${e.note ? ` (${mdText(e.note)})` : ""}`;
    case "run_interrupted":
      return `**interrupted** (${mdText(e.signal)})${e.target ? ` during ${t(e.target)}` : ""}`;
    case "run_finished":
      if (e.status === "closed") return `run **closed** by **${mdText(e.by ?? "?")}**${e.note ? `: ${mdText(e.note)}` : ""}`;
      return `run **${e.status === "rolled_back_to" ? "rolled back to an irreversible step" : e.status.replaceAll("_", " ")}**${e.note ? `: ${mdText(e.note)}` : ""}`;
    case "verification_recorded":
      return `verification recorded: last_verified ${e.date} by ${mdText(e.by)}`;
    case "verification_skipped":
      return `no verification recorded: ${mdText(e.reason)}`;
    case "note":
      return `note by **${mdText(e.by)}**: ${mdText(e.text)}`;
    default:
      return undefined;
  }
}
