import { formatDuration } from "../model/duration.js";
import { printableLine } from "../core/printable.js";
import type { StepsChange } from "../check/assess.js";
import { mdBlock, mdCode, mdText, when } from "./markdown-text.js";
import type { RunRead } from "./read-runs.js";
import type { RunSummary } from "./run-summary.js";
import { offerLines } from "./openness.js";
import { flagWords } from "./step-facts.js";

/** A runbook found stale by the `stale` logic. */
export interface StaleRunbook {
  readonly file: string;
  readonly id: string | undefined;
  readonly findings: readonly string[];
  /** Its latest drill (`runbook drill`), e.g. `2026-12-02 failed (run …)`, when this clone holds one. */
  readonly lastDrill?: string | undefined;
}

/** The shift report: what is open and how to go on, what ended, what was said, what drifted. Pure data. */
export interface HandoffReport {
  readonly generatedAt: string;
  readonly since: string;
  readonly remote: { readonly name: string; readonly reached: boolean; readonly error: string | undefined } | undefined;
  /** Live, interrupted, failed, aborted, rolling back or with a failed rollback: active in the window, or live. */
  readonly open: readonly RunSummary[];
  /** Open runs not touched in the window (listed by `runbook runs`). */
  readonly olderOpen: number;
  /** Completed, rolled back (wholly or to an irreversible step) or closed, in the window. */
  readonly ended: readonly RunSummary[];
  readonly notes: ReadonlyArray<{ readonly runId: string; readonly title: string; readonly at: string; readonly by: string; readonly text: string }>;
  readonly stale: readonly StaleRunbook[];
  readonly changed: readonly StepsChange[];
  readonly unreadable: ReadonlyArray<{ readonly runId: string; readonly error: string }>;
  /** False outside a git repository: the checks of steps changed are skipped. */
  readonly gitChecked: boolean;
}

export function assembleHandoff(o: {
  reads: readonly RunRead[];
  now: number;
  sinceMs: number;
  stale: readonly StaleRunbook[];
  changed: readonly StepsChange[];
  gitChecked: boolean;
  remote: HandoffReport["remote"];
}): HandoffReport {
  const from = o.now - o.sinceMs;
  const inWindow = (iso: string | undefined) => iso !== undefined && Date.parse(iso) >= from;
  const runs = o.reads.flatMap((r) => ("summary" in r ? [r.summary] : []));
  const open = runs.filter((s) => s.openness.kind !== "ended");
  const recent = (s: RunSummary) => s.live || inWindow(s.lastAt) || s.notes.some((n) => inWindow(n.at));
  return {
    generatedAt: new Date(o.now).toISOString(),
    since: new Date(from).toISOString(),
    remote: o.remote,
    open: open.filter(recent).reverse(),
    olderOpen: open.filter((s) => !recent(s)).length,
    ended: runs.filter((s) => s.openness.kind === "ended" && inWindow(s.endedAt)).reverse(),
    notes: runs.flatMap((s) => s.notes.filter((n) => inWindow(n.at)).map((n) => ({ runId: s.runId, title: s.title, ...n }))).sort((a, b) => a.at.localeCompare(b.at)),
    stale: o.stale,
    changed: o.changed,
    unreadable: o.reads.flatMap((r) => ("error" in r ? [{ runId: r.runId, error: r.error }] : [])),
    gitChecked: o.gitChecked,
  };
}

/**
 * What a report says, once, for both Markdown and plain text: `code` parts are commands and ids;
 * `md` parts are this tool's own sentences, already Markdown (the stale findings' code spans).
 */
type Part = string | { readonly code: string } | { readonly md: string };
interface Item {
  readonly head: readonly Part[];
  readonly fields: ReadonlyArray<readonly [string, readonly Part[]]>;
  readonly output: readonly string[];
}
interface Section {
  readonly title: string;
  readonly items: readonly Item[];
  readonly empty: string;
  readonly after?: string;
}

/** `approvals.steps`: the plan verified before the first of them, or what the run waits for there. */
function approvalParts(a: NonNullable<RunSummary["stepApproval"]>, runId: string): Part[] {
  if (a.checked) return [`plan `, { code: a.checked.plan }, ` approved by ${a.checked.approvers.join(", ")}, verified before `, { code: a.checked.at }];
  return [`needed before `, ...a.before.flatMap((id, i) => [...(i ? [", "] : []), { code: id }]), `, none verified yet: `, { code: `runbook resume ${runId} --plan <plan-id>` }, " once one is approved"];
}

function sections(r: HandoffReport): Section[] {
  const openItems = r.open.map((s): Item => {
    const fields: Array<readonly [string, Part[]]> = [];
    if (s.step) fields.push([s.stepWord === "next" ? "next step" : "at step", [{ code: s.step }, ` (${s.stepWord}; ${s.done} of ${s.total} steps done)`, ...(s.stepFacts ? [`: ${s.stepFacts.title}`] : [])]]);
    if (s.step && s.stepFacts) fields.push(["its flags", [flagWords(s.stepFacts) || "none (runs without asking)"]]);
    if (s.ahead.length) fields.push(["ahead", s.ahead.flatMap((x, i) => [...(i ? ["; "] : []), { code: x.id }, ` (${flagWords(x.facts)})`])]);
    if (s.hosts) fields.push(["hosts", [s.hosts.replace(/^hosts: /, "")]]);
    if (s.waitingFor) fields.push(["waiting for", [s.waitingFor]]);
    // What is already changed, so whoever goes on knows what a rollback would undo and what it cannot.
    if (s.runbookRead !== "not found") fields.push(["changed", s.changed.length ? s.changed.flatMap((c, i) => [...(i ? ["; "] : []), { code: c.id }, c.irreversible !== undefined ? ` (irreversible: ${c.irreversible})` : " (has a rollback)"]) : ["nothing yet (no step with a rollback or irreversible is done)"]]);
    if (s.runbookRead === "changed") fields.push(["runbook", ["changed since the run started: flags as it reads now"]]);
    if (s.runbookRead === "not found") fields.push(["runbook", ["not found here: the step's flags and what changed are unknown"]]);
    if (s.params.length) fields.push(["params", [s.params.map(([k, v]) => `${k}=${v}`).join(" ")]]);
    // Held by someone now: the offers say who (report/openness.ts); else who had it last.
    if (!s.commands.held) fields.push(["last held by", [`${s.by} (started by ${s.operator}@${s.host})`]]);
    if (s.breakGlass !== undefined) fields.push(["BREAK GLASS", [`run without approval: ${s.breakGlass}`]]);
    if (s.stepApproval) fields.push(["approval", approvalParts(s.stepApproval, s.runId)]);
    if (s.note) fields.push(["outcome", [s.note]]);
    if (s.command) fields.push(["command", [{ code: s.command }, s.commands.held ? ` (it is live: asks its holder to hand it over; then ${s.commands.held.takeOver})` : ""]]);
    for (const l of offerLines(s.commands)) fields.push([l.label, [...(l.command !== undefined ? [{ code: l.command }] : []), ...(l.words !== undefined ? [`${l.command !== undefined ? " " : ""}${l.words}`] : [])]]);
    if (s.giveAgain.length) fields.push(["give again", [`${s.giveAgain.join(", ")} (secret, never journaled: asked for in a terminal, or `, { code: s.giveAgain.map((n) => `-p ${n}=…`).join(" ") }, " or ", { code: s.giveAgain.map((n) => `RUNBOOK_PARAM_${n}`).join(", ") }, ")"]]);
    for (const a of s.answers) fields.push(["answer", [a]]);
    for (const n of s.notes) fields.push(["note", [`${when(n.at)}, ${n.by}: ${n.text}`]]);
    return { head: [{ code: s.runId }, ` ${s.title}: `, s.word, `, started ${when(s.startedAt)} by ${s.operator}@${s.host}`], fields, output: s.lastOutput };
  });
  const endedItems = r.ended.map((s): Item => {
    const fields: Array<readonly [string, Part[]]> = [];
    if (s.breakGlass !== undefined) fields.push(["BREAK GLASS", [`run without approval: ${s.breakGlass}`]]);
    if (s.note && s.status !== "completed") fields.push([s.status === "closed" ? "reason" : "why", [s.note]]);
    // A rollback that stopped at an irreversible step left changes in place: say which, by name.
    if (s.status === "rolled_back_to") {
      const barrier = s.barrier ? [{ code: s.barrier.target }, ` is irreversible (${s.barrier.reason}): the rollback stopped there`] : ["the rollback stopped at an irreversible step"];
      fields.push(["stopped at", barrier]);
      fields.push(["not undone", s.notUndone.length ? s.notUndone.flatMap((t, i) => (i ? [", ", { code: t }] : [{ code: t }])) : ["nothing"]]);
    }
    if (s.hosts) fields.push(["hosts", [s.hosts.replace(/^hosts: /, "")]]);
    if (s.status === "closed" && s.step) fields.push(["left at", [{ code: s.step }, ` (${s.stepWord}; ${s.done} of ${s.total} steps done)`]]);
    const head: Part[] =
      s.status === "closed"
        ? [{ code: s.runId }, ` ${s.title}: closed by ${s.closedBy ?? "?"} at ${when(s.endedAt ?? s.lastAt)}, ${formatDuration(s.durationMs)} after it started (${when(s.startedAt)} by ${s.operator}@${s.host})`]
        : [{ code: s.runId }, ` ${s.title}: ${s.word} in ${formatDuration(s.durationMs)} (${when(s.startedAt)} to ${when(s.endedAt ?? s.lastAt)}), by ${s.by}${s.by !== s.operator ? ` (started by ${s.operator})` : ""}`];
    return { head, fields, output: [] };
  });
  const noteItems = r.notes.map((n): Item => ({ head: [`${when(n.at)} `, { code: n.runId }, ` (${n.title}), ${n.by}: ${n.text}`], fields: [], output: [] }));
  const staleItems = r.stale.map((s): Item => ({ head: [{ code: s.file }, s.id ? ` (${s.id})` : ""], fields: [...s.findings.map((f) => ["stale", [{ md: f }]] as const), ...(s.lastDrill ? [["last drill", [s.lastDrill]] as const] : [])], output: [] }));
  const changedItems = r.changed.map((c): Item => ({
    head: [{ code: c.file }, c.id ? ` (${c.id})` : "", ": steps changed"],
    fields: c.commits.map((k) => ["commit", [{ code: k.hash.slice(0, 10) }, ` ${k.date.slice(0, 10)} ${k.subject}`]] as const),
    output: [],
  }));
  return [
    { title: "Open runs", items: openItems, empty: "None: no run is live, interrupted, failed or aborted, and no rollback failed.", ...(r.olderOpen ? { after: `${r.olderOpen} older open run${r.olderOpen === 1 ? "" : "s"}, untouched since before the window: see runbook runs.` } : {}) },
    { title: "Ended in the window", items: endedItems, empty: "None." },
    { title: "Notes", items: noteItems, empty: "None." },
    { title: "Stale runbooks", items: staleItems, empty: "None." },
    { title: "Runbooks whose steps changed in the window", items: changedItems, empty: r.gitChecked ? "None." : "Not checked: not in a git repository." },
    ...(r.unreadable.length ? [{ title: "Unreadable journals", items: r.unreadable.map((u): Item => ({ head: [{ code: u.runId }, `: ${u.error}`], fields: [], output: [] })), empty: "" }] : []),
  ];
}

function intro(r: HandoffReport): string {
  const remote = r.remote ? (r.remote.reached ? `; shared runs fetched from ${r.remote.name}` : `; ${r.remote.name} could not be reached (${r.remote.error ?? "?"}): runs as this clone knows them`) : "";
  return `Handoff at ${when(r.generatedAt)}, covering since ${when(r.since)}${remote}.`;
}

export function handoffMarkdown(r: HandoffReport): string {
  const md = (parts: readonly Part[]) => parts.map((p) => (typeof p === "string" ? mdText(p) : "code" in p ? mdCode(p.code) : printableLine(p.md))).join("");
  const out = ["# Handoff", "", mdText(intro(r)), ""];
  for (const s of sections(r)) {
    out.push(`## ${s.title} (${s.items.length})`, "");
    if (!s.items.length) out.push(s.empty, "");
    for (const item of s.items) {
      out.push(`- ${md(item.head)}`);
      for (const [label, value] of item.fields) out.push(`  - ${label}: ${md(value)}`);
      if (item.output.length) out.push("  - last output:", "", ...mdBlock(item.output).trimEnd().split("\n").map((l) => `    ${l}`));
      if (item.output.length || item.fields.length) out.push("");
    }
    if (s.items.length && out.at(-1) !== "") out.push("");
    if (s.after) out.push(mdText(s.after), "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

export function handoffText(r: HandoffReport): string {
  const txt = (parts: readonly Part[]) => printableLine(parts.map((p) => (typeof p === "string" ? p : "code" in p ? p.code : p.md)).join(""));
  const out = [printableLine(intro(r)), ""];
  for (const s of sections(r)) {
    out.push(`${s.title.toUpperCase()} (${s.items.length})`);
    if (!s.items.length) out.push(`  ${s.empty}`);
    for (const item of s.items) {
      out.push(`  ${txt(item.head)}`);
      for (const [label, value] of item.fields) out.push(`    ${`${label}:`.padEnd(13)}${txt(value)}`);
      if (item.output.length) out.push("    last output:", ...item.output.map((l) => `      │ ${printableLine(l)}`));
    }
    if (s.after) out.push(`  ${s.after}`);
    out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
