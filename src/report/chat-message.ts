import type { JournalEvent } from "../journal/events.js";
import type { NotifyOn } from "../model/schema/config-schema.js";
import type { Ask } from "../run/ask.js";
import type { Plan } from "../run/plan.js";
import { runWord, stepList, type RunState } from "../run/state.js";
import { describeFailure } from "./failure-text.js";

/** One moment of a run worth telling the team: what happened, to which step, and what to run to follow it. */
export interface Moment {
  readonly on: NotifyOn;
  readonly runId: string;
  /** The event that made it; a question waiting for its answer has none. */
  readonly event: JournalEvent | undefined;
  readonly state: RunState;
  readonly plan: Plan;
  /** The step it is about, when there is one. */
  readonly step: string | undefined;
  /** For `waiting`: what the person is asked, and for how long it has waited. */
  readonly question?: { readonly kind: Ask["kind"]; readonly waitedMs: number };
}

const ICON: Readonly<Record<NotifyOn, string>> = { started: "▶", waiting: "⏳", failed: "✗", handover: "✋", ended: "■" };
/** Lines of a failed step's output a message carries: enough to see the error, not a log. */
const OUTPUT_LINES = 5;

/** The one-line summary every format shares, e.g. `step promote failed (exit 1)`. */
export function momentLine(m: Moment): string {
  const s = m.state;
  const title = m.step ? (m.plan.steps.find((p) => p.id === m.step)?.title ?? m.step) : undefined;
  const stepText = m.step ? `step ${m.step}${title && title !== m.step ? ` (${title})` : ""}` : "";
  switch (m.on) {
    case "started": {
      const last = s.sessions.at(-1);
      const how = last?.kind === "rollback" ? "rollback started" : last && last.kind === "resumed" ? "resumed" : "started";
      const glass = s.started.breakGlass ? `; BREAK GLASS: run without ${s.started.breakGlass.needed ? "the approval this runbook needs" : "an approved plan"}: ${s.started.breakGlass.reason}` : "";
      return `${how} by ${last?.operator ?? s.started.operator} on ${last?.host ?? s.started.host}${glass}`;
    }
    case "waiting":
      return `${stepText || "the run"} has waited ${minutes(m.question?.waitedMs ?? 0)} for ${QUESTION[m.question?.kind ?? "confirm"]}`;
    case "failed": {
      const attempt = m.step ? s.steps.get(m.step)?.attempt : undefined;
      const why = attempt?.result ? describeFailure(attempt.result, undefined).what : "failed";
      return `${stepText} failed (${why})`;
    }
    case "handover": {
      const e = m.event?.type === "handover_asked" ? m.event : undefined;
      const holder = s.sessions.at(-1)?.operator ?? s.started.operator;
      return `handover asked: ${e?.by ?? "someone"}${e ? ` on ${e.host}` : ""} asks ${holder} to hand the run over${e?.message ? ` (${e.message})` : ""}`;
    }
    case "ended":
      return `ended: ${runWord(s, false)}${s.ended ? ` (exit ${s.ended.exitCode})` : ""}`;
  }
}

const QUESTION: Readonly<Record<Ask["kind"], string>> = {
  confirm: "a confirmation",
  manual: "a manual step to be done",
  failed: "a decision after a failure",
  undo_before_skip: "an answer (undo before skip?)",
  rollback: "a yes to roll back",
  interrupted: "an answer about an interrupted step",
};

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m >= 1 ? `${m} min` : `${Math.max(1, Math.round(ms / 1000))} s`;
}

/** Steps done of all steps, as the screen counts them. */
function progress(s: RunState): string {
  const steps = stepList(s);
  return `${steps.filter((x) => x.status === "done" || x.status === "assumed").length} of ${steps.length} steps done`;
}

/** The command that follows a run from any clone. */
const follow = (runId: string) => `runbook log ${runId}`;

/** The last lines of a failed step's output, masked; empty when there is none. */
function outputTail(m: Moment, mask: (t: string) => string): string {
  if (m.on !== "failed" || !m.step) return "";
  const tail = m.state.tails.get(m.step) ?? "";
  return mask(tail.trimEnd().split("\n").slice(-OUTPUT_LINES).join("\n"));
}

/** Slack's mrkdwn reads `&`, `<` and `>` as markup: a title or output must not. */
const escapeSlack = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * A Slack incoming-webhook body: `text` (the notification's own line) and blocks (the runbook, the
 * run id, the operator, the step, and the command to follow it). Everything passes `mask`.
 */
export function slackMessage(m: Moment, mask: (t: string) => string): unknown {
  const title = escapeSlack(mask(m.plan.title || m.plan.runbookId));
  const line = escapeSlack(mask(momentLine(m)));
  const tail = outputTail(m, mask);
  const s = m.state;
  const blocks: unknown[] = [
    { type: "section", text: { type: "mrkdwn", text: `${ICON[m.on]} *${title}* · run \`${m.runId}\`\n${line}` } },
  ];
  if (tail) blocks.push({ type: "section", text: { type: "mrkdwn", text: `\`\`\`${escapeSlack(tail).replace(/```/g, "ˋˋˋ")}\`\`\`` } });
  blocks.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: escapeSlack(mask(`${s.started.operator} on ${s.started.host} · ${progress(s)} · follow: ${follow(m.runId)}`)) }],
  });
  // A run without approval is red in the chat too: Slack draws an attachment's colour as a bar beside it.
  const glass = s.started.breakGlass && m.on === "started" ? { attachments: [{ color: "#d0021b", text: escapeSlack(mask(`BREAK GLASS: ${s.started.breakGlass.reason}`)) }] } : {};
  return { text: `${ICON[m.on]} ${title}: ${line}`, blocks, ...glass };
}

/** The `json` format: the moment, the run's summary, and the journal event (already masked in the journal). */
export function jsonMessage(m: Moment, mask: (t: string) => string): unknown {
  const s = m.state;
  const body = {
    on: m.on,
    text: momentLine(m),
    run: {
      id: m.runId,
      runbook: { id: m.plan.runbookId, title: m.plan.title, path: s.started.runbook.path },
      status: runWord(s, s.ended === undefined),
      operator: s.sessions.at(-1)?.operator ?? s.started.operator,
      host: s.sessions.at(-1)?.host ?? s.started.host,
      step: m.step ?? null,
      done: stepList(s).filter((x) => x.status === "done" || x.status === "assumed").length,
      steps: s.steps.size,
      follow: follow(m.runId),
      breakGlass: s.started.breakGlass ?? null,
    },
    ...(m.question ? { question: { kind: m.question.kind, waited_ms: m.question.waitedMs } } : {}),
    ...(m.on === "failed" ? { output: outputTail(m, mask) } : {}),
    event: m.event ?? null,
  };
  // Every string, wherever it is (a param echoed in a title, a value in an event), passes the mask.
  return maskStrings(body, mask);
}

function maskStrings(value: unknown, mask: (t: string) => string): unknown {
  if (typeof value === "string") return mask(value);
  if (Array.isArray(value)) return value.map((v) => maskStrings(v, mask));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskStrings(v, mask)]));
  return value;
}
