import type { EventOf, JournalEvent } from "../journal/events.js";
import { outcome, passed } from "../journal/outcome.js";
import { hostsText, hostTally, interruptedWord, runWord, stepList, type RunState } from "../run/state.js";
import { assumedBy, ROLLBACK_WORDS, RUN_WORDS, STEP_WORDS } from "../run/words.js";
import { asSeen, isLive, offerLines, offers, openness, type Holder } from "./openness.js";
import { formatDuration } from "../model/duration.js";
import { mdBlock, mdCode, mdText, when } from "./markdown-text.js";
import { captureText } from "./display-values.js";

const KEEP = 30;
const HOW: Readonly<Record<EventOf<"released">["how"], string>> = { key: "a key on the screen", release: "runbook release", "allow-handover": "--allow-handover" };

/**
 * `runbook log --format markdown`: the incident timeline of one run, fed one event at a time (a
 * journal is read as a stream). Every event with its time, who answered what, and the last lines
 * of output of every block that failed; other output is left to `runbook log`.
 */
export class Timeline {
  readonly #out: (text: string) => void;
  #day = "";

  constructor(out: (text: string) => void) {
    this.#out = out;
  }

  /** `state` is the run's state after `e` (the fold's): the failed block's output is its tail. */
  onEvent(e: JournalEvent, state: RunState): void {
    if (e.type === "output") return;
    if (e.type === "run_started") return this.#out(header(e));
    if (e.type === "attempt_spawned") return;
    const line = describe(e, state.started.options.drill === true, state);
    if (line === undefined) return;
    const day = e.ts.slice(0, 10);
    const at = day === this.#day ? `${e.ts.slice(11, 19)}Z` : when(e.ts);
    this.#day = day;
    this.#out(`- **${at}** ${line}\n`);
    // A block that did not pass (failed, or cut short: its output is how to judge an unknown outcome).
    if (e.type === "attempt_finished" && !passed(e)) {
      const lines = (state.tails.get(e.target) ?? "").split(/\r?\n/).filter((l) => l !== "").slice(-KEEP);
      if (lines.length) this.#out(`\n  ${mdBlock(lines).trimEnd().split("\n").join("\n  ")}\n\n`);
    }
  }

  /** `holder`: who holds the run now (report/openness.ts); the outcome and what to type next, from it. */
  end(journaled: RunState, holder: Holder | undefined): void {
    const open = openness(journaled, holder);
    const state = asSeen(journaled, open);
    const live = isLive(open);
    const took = state.ended ? `, ${formatDuration(Date.parse(state.ended.ts) - Date.parse(state.started.ts))} from start to end` : "";
    const by = state.status === "closed" ? ` by ${mdText(state.ended?.by ?? "?")}` : "";
    const lines = ["", "## Outcome", "", `**${mdText(runWord(state, live))}**${by}${state.ended?.note ? ` (${mdText(state.ended.note)})` : ""}${took}`];
    // What a rollback that stopped at an irreversible step left in place: the next person must know.
    if (state.status === "rolled_back_to") {
      const beyond = state.rollback?.beyond ?? [];
      const barrier = state.rollback?.barrier;
      lines.push("", `Not undone${barrier ? ` (before the irreversible step ${mdCode(barrier.target)}: ${mdText(barrier.reason)})` : ""}: ${beyond.length ? beyond.map(mdCode).join(", ") : "nothing"}.`);
    }
    // Each step on a group, with the hosts it did, failed and did not reach: where a resume goes on.
    const onGroups = stepList(state).flatMap((s) => {
      const t = hostTally(state, s.id);
      return t ? [`- ${mdCode(s.id)} ${mdText(hostsText(t))}`] : [];
    });
    if (onGroups.length) lines.push("", "## Hosts", "", ...onGroups);
    const next = offerLines(offers(state, open));
    if (next.length) {
      lines.push("", "## Next", "");
      for (const l of next) lines.push(`- ${l.label}: ${[l.command === undefined ? undefined : mdCode(l.command), l.words === undefined ? undefined : mdText(l.words)].filter((x) => x !== undefined).join(" ")}`);
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
  if (s.approvalAt?.length) lines.push(`- approval needed before ${s.approvalAt.map(mdCode).join(", ")}: the run waits there for an approved plan`);
  // GitHub renders a CAUTION alert in red: a run without its approval must not read like any other.
  if (s.breakGlass) lines.push("", "> [!CAUTION]", `> **BREAK GLASS**: run without ${s.breakGlass.needed ? "the approval this runbook needs" : "an approved plan"}, by ${mdText(s.operator)}: ${mdText(s.breakGlass.reason)}`);
  lines.push("", "## Timeline", "", "");
  return lines.join("\n").replace(/\n\n\n$/, "\n\n");
}

function describe(e: Exclude<JournalEvent, EventOf<"output"> | EventOf<"run_started">>, drill: boolean, state: RunState): string | undefined {
  // A step on a group: each host's attempts and end name the host.
  const on = "host" in e && e.host !== undefined ? ` on ${mdCode(e.host)}` : "";
  const t = (target: string) => `${mdCode(target)}${on}`;
  switch (e.type) {
    case "run_resumed":
      return `${e.mode === "rollback" ? "rollback taken over" : "resumed"} by ${mdText(e.operator)}@${mdText(e.host)}${e.forced ? " (forced)" : ""}`;
    case "attempt_started":
      return `${t(e.target)} ${e.phase} started${e.attempt > 1 ? ` (attempt ${e.attempt}${e.retry ? `, automatic retry ${e.retry}` : ""})` : ""}`;
    case "attempt_finished": {
      const o = outcome(e);
      if (o.kind === "interrupted") return `${t(e.target)} ${e.phase} cut short by an interruption after ${formatDuration(e.durationMs)}`;
      if (o.kind === "passed") return `${t(e.target)} ${e.phase} passed in ${formatDuration(e.durationMs)}${e.capture ? ` (captured ${mdCode(captureText(e.capture))})` : ""}`;
      const why = o.kind === "timeout" ? "timed out" : o.kind === "error" ? mdText(o.error) : o.kind === "signal" ? `killed by ${o.signal}` : `exit ${o.code}`;
      return `${t(e.target)} ${e.phase} **failed** (${why}) after ${formatDuration(e.durationMs)}${e.retryInMs !== null ? `; retry in ${formatDuration(e.retryInMs)}` : ""}`;
    }
    case "check_finished":
      return `prerequisite ${t(e.target)} ${e.status}`;
    case "answer":
      if (e.question === "barrier") return e.answer === "past" ? `**${mdText(e.by)}** went past the irreversible step ${t(e.target)}: what came before it is undone too` : `**${mdText(e.by)}** stopped the rollback at the irreversible step ${t(e.target)}`;
      return `**${mdText(e.by)}** answered ${e.question.replace(/_/g, " ")} at ${t(e.target)}: **${mdText(e.answer)}**`;
    case "step_finished":
      if (e.status === "assumed") return `${t(e.target)} ${STEP_WORDS.assumed} (${assumedBy(e.by, drill)})`;
      return `${t(e.target)} **${STEP_WORDS[e.status]}**${e.by !== "run" ? ` (by ${e.by === "resume" ? "an answer at a resume" : "the operator"})` : ""}`;
    case "rollback_started": {
      const stops = e.barrier ? `; it stops at the irreversible step ${t(e.barrier.target)} (${mdText(e.barrier.reason)})${e.beyond?.length ? `, leaving ${e.beyond.map(t).join(", ")} as they are` : ""}` : "";
      return `**rollback started** (${mdText(e.reason)}): ${e.targets.map(t).join(", ") || "nothing to undo"}${stops}`;
    }
    case "rollback_finished":
      return `${t(e.target)} ${e.status === "failed" ? `**${ROLLBACK_WORDS.failed}**` : ROLLBACK_WORDS[e.status]}${e.note ? ` (${mdText(e.note)})` : ""}`;
    case "run_interrupted":
      return `**interrupted** (${mdText(e.signal)})${e.target ? ` ${interruptedWord(state, e.target)} ${t(e.target)}` : ""}`;
    case "run_finished":
      if (e.status === "closed") return `run **closed** by **${mdText(e.by ?? "?")}**${e.note ? `: ${mdText(e.note)}` : ""}`;
      return `run **${e.status === "rolled_back_to" ? `${RUN_WORDS.rolled_back_to} an irreversible step` : RUN_WORDS[e.status]}**${e.note ? `: ${mdText(e.note)}` : ""}`;
    case "verification_recorded":
      return `verification recorded: last_verified ${e.date} by ${mdText(e.by)}`;
    case "verification_skipped":
      return `no verification recorded: ${mdText(e.reason)}`;
    case "note":
      return `note by **${mdText(e.by)}**: ${mdText(e.text)}`;
    case "handover_asked":
      return `**${mdText(e.by)}**@${mdText(e.host)} asked to take the run over${e.message ? `: ${mdText(e.message)}` : ""}`;
    case "approval_checked":
      return `approved plan ${mdCode(e.plan)} verified before ${t(e.target)}: requested by ${mdText(e.requester)}, approved by ${e.approvers.map((a) => `**${mdText(a)}**`).join(", ")} (signatures verified at commit ${mdCode(e.commit.slice(0, 12))})`;
    case "released":
      return `**released** to **${mdText(e.to ?? "whoever resumes it")}** by **${mdText(e.by)}** (${HOW[e.how]})`;
    default:
      return undefined;
  }
}
