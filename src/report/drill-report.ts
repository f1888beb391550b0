import { printableLine } from "../core/printable.js";
import { mdBlock, mdCode, mdText } from "./markdown-text.js";

/** What one drill did, as `runbook drill` reports it. Output is masked before it gets here. */
export interface DrillResult {
  readonly file: string;
  readonly id: string;
  readonly title: string;
  /** `passed`: every step done (or allowed to be left undone) and the verification recorded. */
  readonly outcome: "passed" | "failed" | "would run";
  /** Why it was chosen: never verified, or due since a date. */
  readonly due: string;
  readonly runId?: string | undefined;
  readonly durationMs?: number | undefined;
  readonly verified?: { readonly date: string; readonly by: string; readonly assumed: readonly string[]; readonly skipped: readonly string[] } | undefined;
  readonly failedStep?: { readonly id: string; readonly title: string; readonly what: string; readonly output: string } | undefined;
  /** Why it did not pass, in a sentence: a refusal before anything ran, the run's end note, why no verification. */
  readonly reason?: string | undefined;
  /** Lines that explain the reason (the lint findings that stopped it). */
  readonly details?: string | undefined;
}

const seconds = (ms: number | undefined) => (ms === undefined ? "" : `${(ms / 1000).toFixed(1)} s`);
const count = (results: readonly DrillResult[], o: DrillResult["outcome"]) => results.filter((r) => r.outcome === o).length;

function headline(results: readonly DrillResult[]): string {
  if (results.length === 0) return "no drill to run";
  const would = count(results, "would run");
  if (would) return `${would} drill${would === 1 ? "" : "s"} would run (dry run: nothing ran)`;
  return `${count(results, "passed")} passed, ${count(results, "failed")} failed`;
}

function outcomeText(r: DrillResult): string {
  if (r.outcome === "would run") return `would run (${r.due})`;
  if (r.outcome === "passed" && r.verified) {
    const also = [r.verified.assumed.length ? `assumed done: ${r.verified.assumed.join(", ")}` : "", r.verified.skipped.length ? `left out: ${r.verified.skipped.join(", ")}` : ""].filter(Boolean);
    return `passed: verified ${r.verified.date} by ${r.verified.by}${also.length ? ` (${also.join("; ")})` : ""}`;
  }
  if (r.failedStep) return `failed at step ${r.failedStep.id} (${r.failedStep.what})`;
  return `failed: ${r.reason ?? "see its journal"}`;
}

/** The report as Markdown: for `$GITHUB_STEP_SUMMARY`, a pull request or an issue. */
export function drillMarkdown(results: readonly DrillResult[]): string {
  const out = [`## Runbook drills: ${headline(results)}`, ""];
  if (results.length) {
    out.push("| | Runbook | Outcome | Time | Journal |", "| --- | --- | --- | --- | --- |");
    for (const r of results) {
      const mark = r.outcome === "passed" ? "✅" : r.outcome === "failed" ? "❌" : "⏭️";
      out.push(`| ${mark} | ${mdCode(r.file)} ${mdText(r.title)} | ${mdText(outcomeText(r))} | ${seconds(r.durationMs)} | ${r.runId ? mdCode(`runbook log ${r.runId}`) : ""} |`);
    }
    out.push("");
  }
  for (const r of results.filter((x) => x.outcome === "failed")) {
    const step = r.failedStep;
    out.push(`### ❌ ${mdText(r.id)}: ${step ? `failed at step ${mdCode(step.id)} (${mdText(step.title)})` : "did not pass"}`, "");
    if (step) out.push(`${mdText(step.what)}${step.output ? ", last output:" : ", no output"}`, "");
    if (step?.output) out.push(mdBlock(step.output.replace(/\n$/, "").split("\n")));
    if (r.reason) out.push(mdText(r.reason), "");
    if (r.details) out.push(mdBlock(r.details.replace(/\n+$/, "").split("\n")));
    out.push(r.runId ? `The whole journal: ${mdCode(`runbook log ${r.runId}`)} (in the job's state folder)` : "Nothing ran, so there is no journal.", "");
  }
  return `${out.join("\n").replace(/\n+$/, "")}\n`;
}

/** The report as plain lines, for a terminal. */
export function drillText(results: readonly DrillResult[]): string {
  const out = [`runbook drill: ${headline(results)}`];
  for (const r of results) {
    if (r.outcome === "would run") {
      out.push(`  would run  ${r.file}  (${printableLine(r.due)})`);
      continue;
    }
    out.push(`  ${r.outcome === "passed" ? "passed" : "FAILED"}  ${r.file}  ${printableLine(outcomeText(r))}${r.durationMs === undefined ? "" : `  ${seconds(r.durationMs)}`}`);
    if (r.outcome !== "failed") continue;
    if (r.failedStep?.output) for (const line of r.failedStep.output.replace(/\n$/, "").split("\n").slice(-10)) out.push(`      | ${printableLine(line)}`);
    if (r.reason) out.push(`      ${printableLine(r.reason)}`);
    if (r.details) for (const line of r.details.replace(/\n+$/, "").split("\n")) out.push(`      ${printableLine(line)}`);
    if (r.runId) out.push(`      runbook log ${r.runId}`);
  }
  return `${out.join("\n")}\n`;
}

export function drillJson(results: readonly DrillResult[]): string {
  // Each drill's own Markdown too: the body of the issue a failed one opens.
  const summary = { passed: count(results, "passed"), failed: count(results, "failed"), wouldRun: count(results, "would run") };
  return `${JSON.stringify({ summary, markdown: drillMarkdown(results), drills: results.map((r) => ({ ...r, markdown: drillMarkdown([r]) })) }, null, 2)}\n`;
}
