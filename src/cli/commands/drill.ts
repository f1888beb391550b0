import { appendFile } from "node:fs/promises";
import path from "node:path";
import { repoAt } from "../../system/git.js";
import { EXIT, RunbookError } from "../../core/errors.js";
import { lintRunbook } from "../../check/lint-runbook.js";
import { buildRunbook } from "../../model/build-runbook.js";
import type { Runbook } from "../../model/types.js";
import type { Drill } from "../../model/schema/drill-schema.js";
import { describeFailure } from "../../report/failure-text.js";
import { drillJson, drillMarkdown, drillText, type DrillResult } from "../../report/drill-report.js";
import { assertCommittable } from "../../authoring/record-verification.js";
import { drillDue, drilledOn, drillParamValues } from "../../run/drill.js";
import { lastDrillsIn } from "../last-drills.js";
import { SecretMasker } from "../../run/mask.js";
import { startRun } from "../../run/session.js";
import { readRun } from "../../run/read-run.js";
import { stepList, type RunState } from "../../run/state.js";
import { collectFiles } from "../../system/collect.js";
import { loadProjectConfig } from "../project-config.js";
import { readText } from "../../system/read-runbook.js";
import { parseDateFlag } from "../dates.js";
import type { Io } from "../io.js";
import { sessionSetup } from "../session-setup.js";

export interface DrillFlags {
  due?: boolean;
  dryRun?: boolean;
  commit?: boolean;
  format: "text" | "json" | "markdown";
  config?: string;
  asOf?: string;
}

interface Candidate {
  readonly file: string;
  readonly runbook: Runbook;
  readonly drill: Drill;
  readonly due: { due: boolean; why: string };
}

/**
 * `runbook drill`: runs each runbook's `drill:` unattended, one after the other, each with its own
 * journal, and records a verification for each that passes. Exit 1 when any failed.
 */
export default async function drill(io: Io, paths: string[], flags: DrillFlags): Promise<number> {
  const loaded = await loadProjectConfig(io.cwd, flags.config);
  const { config } = loaded;
  const drills = lastDrillsIn(io, loaded);
  const today = parseDateFlag(flags.asOf, "--as-of") ?? new Date();
  const files = await collectFiles(paths.length ? paths : (config.runbooks ?? []), io.cwd);
  const candidates: Candidate[] = [];
  for (const file of files) {
    const runbook = buildRunbook(file, await readText(file, io.cwd));
    const d = runbook.known.drill;
    if (!d) continue;
    const last = runbook.known.id === undefined ? undefined : drills.get(runbook.known.id);
    const due = drillDue(drilledOn(runbook.known.last_verified ?? runbook.known.last_reviewed_on, last?.outcome === "passed" ? last.at : undefined), d.every, today);
    const why = due.since === undefined ? "never verified" : due.due ? `due since ${due.since}` : `not due until ${due.since}`;
    candidates.push({ file, runbook, drill: d, due: { due: due.due, why } });
  }
  if (candidates.length === 0) io.stderr.write(`runbook: none of the ${files.length} runbook${files.length === 1 ? "" : "s"} has a \`drill:\` in its frontmatter (docs/drills.md)\n`);
  const chosen = flags.due ? candidates.filter((c) => c.due.due) : candidates;
  for (const c of candidates.filter((x) => !chosen.includes(x))) io.stderr.write(`runbook: ${c.file}: not due (${c.due.why})\n`);

  if (flags.dryRun) {
    const results = chosen.map((c): DrillResult => ({ file: c.file, id: c.runbook.known.id ?? c.file, title: c.runbook.title ?? "", outcome: "would run", due: c.due.why }));
    return report(io, flags, results, EXIT.ok);
  }
  // --commit: every file must be committable before anything runs, or the one commit would hold other changes.
  if (flags.commit) for (const c of chosen) await assertCommittable(path.resolve(io.cwd, c.file));

  const results: DrillResult[] = [];
  let interrupted = false;
  for (const c of chosen) {
    io.stderr.write(`runbook: drilling ${c.file} (${c.due.why})\n`);
    const r = await runDrill(io, c, flags);
    results.push(r.result);
    // Ctrl-C, or the job cancelled: no further drill starts.
    if (r.code === EXIT.interrupted) {
      interrupted = true;
      io.stderr.write(`runbook: interrupted; ${chosen.length - results.length} drill${chosen.length - results.length === 1 ? "" : "s"} not started\n`);
      break;
    }
  }
  const passed = results.filter((r) => r.outcome === "passed");
  if (flags.commit && passed.length) {
    const git = repoAt(io.cwd);
    const message = `Drills verified ${passed.map((r) => r.id).join(", ")}\n\n${passed.map((r) => `- ${r.file}: ${r.verified?.date ?? ""} by ${r.verified?.by ?? ""}${r.verified?.assumed.length ? `, assumed done: ${r.verified.assumed.join(", ")}` : ""}${r.verified?.skipped.length ? `, left out: ${r.verified.skipped.join(", ")}` : ""} (run ${r.runId ?? "?"})`).join("\n")}\n`;
    const done = await git.commit(message, passed.map((r) => r.file));
    io.stderr.write(`runbook: committed ${done.commit} (${passed.length} verification${passed.length === 1 ? "" : "s"})\n`);
  }
  return report(io, flags, results, interrupted ? EXIT.interrupted : results.some((r) => r.outcome === "failed") ? EXIT.findings : EXIT.ok);
}

async function report(io: Io, flags: DrillFlags, results: readonly DrillResult[], code: number): Promise<number> {
  const markdown = drillMarkdown(results);
  io.stdout.write(flags.format === "json" ? drillJson(results) : flags.format === "markdown" ? markdown : drillText(results));
  // Under GitHub Actions the job's summary page shows it.
  const summary = io.env.GITHUB_STEP_SUMMARY;
  if (summary) await appendFile(summary, `${markdown}\n`).catch((e: Error) => io.stderr.write(`runbook: could not write $GITHUB_STEP_SUMMARY: ${e.message}\n`));
  return code;
}

/** One drill: checked, run unattended with its own journal, and read back for the report. */
async function runDrill(io: Io, c: Candidate, flags: DrillFlags): Promise<{ result: DrillResult; code: number | undefined }> {
  let code: number | undefined;
  const result = await drillOnce(io, c, flags, (n) => (code = n));
  return { result, code };
}

async function drillOnce(io: Io, c: Candidate, flags: DrillFlags, exitCode: (code: number) => void): Promise<DrillResult> {
  const base = { file: c.file, id: c.runbook.known.id ?? c.file, title: c.runbook.title ?? "", due: c.due.why };
  const { values, missing } = drillParamValues(c.drill.params ?? {}, io.env);
  const envMissing = (c.drill.env ?? []).filter((n) => !io.env[n]);
  // Every value that came from the drill's environment, and every secret param, is kept out of the report.
  const secretParams = Object.entries(c.runbook.known.params ?? {}).filter(([, p]) => p.secret === true).map(([n]) => n);
  const masker = new SecretMasker([...(c.drill.env ?? []).map((n) => io.env[n] ?? ""), ...Object.entries(values).filter(([n, v]) => secretParams.includes(n) || (c.drill.params?.[n] ?? "") !== v).map(([, v]) => v)].filter((v) => v.length >= 4));
  const refused = (reason: string): DrillResult => ({ ...base, outcome: "failed", reason: masker.mask(reason) });
  const findings = lintRunbook(c.runbook, { severities: {}, commandExists: () => true }).filter((d) => d.ruleId === "drill-config");
  if (findings.length) return refused(`its drill: cannot run unattended: ${findings.map((f) => `line ${f.line}: ${f.message}`).join("; ")}`);
  const notSet = [...new Set([...envMissing, ...missing])];
  if (notSet.length) return refused(`${notSet.join(", ")} ${notSet.length === 1 ? "is" : "are"} not set, and the drill needs ${notSet.length === 1 ? "it" : "them"} (drill.env); nothing ran`);

  // The run's own lines go to stderr: stdout is the report. Nobody answers a drill, even at a terminal:
  // stdin is not one for it, so the session is the unattended one (plain lines, the policy answers).
  const runIo: Io = { ...io, stdout: io.stderr, stdin: Object.assign(Object.create(io.stdin) as Io["stdin"], { isTTY: false }) };
  const started = Date.now();
  let before: Set<string> | undefined;
  let s: Awaited<ReturnType<typeof sessionSetup>> | undefined;
  try {
    s = await sessionSetup(runIo, { param: [], plain: true, format: "text", yes: true, onFailure: "abort", confirmIrreversible: [...(c.drill.confirm_irreversible ?? [])], ...(flags.config ? { config: flags.config } : {}) });
    const prepared = await s.prepare(c.file);
    s.checkRequires(prepared.plan);
    const skipped = prepared.plan.steps.filter((p) => p.drillSkip).map((p) => p.id);
    before = new Set(s.world.store.list());
    const code = await startRun(
      {
        prepared, given: values, givenBy: {}, policy: s.policy, interactive: false, force: false, record: true, commit: false, from: undefined,
        only: skipped.length ? prepared.plan.steps.filter((p) => !p.drillSkip).map((p) => p.id) : undefined,
        drill: { skipped, assumeManual: c.drill.manual === "assume" },
      },
      s.world,
    );
    exitCode(code);
  } catch (e) {
    if (!(e instanceof RunbookError)) throw e;
    if (!before || !s) return { ...refused(`${e.message}${e.hint ? ` (${e.hint})` : ""}`), ...(e.details ? { details: masker.mask(e.details) } : {}), durationMs: Date.now() - started };
  }
  const runId = s && before ? s.world.store.list().find((id) => !before?.has(id)) : undefined;
  if (!s || !runId) return { ...refused("the drill did not start a run"), durationMs: Date.now() - started };
  return { ...base, ...readOutcome(readRun(s.world.store, runId).state, c, masker), runId, durationMs: Date.now() - started };
}

/** What the journal says happened, in the report's terms. */
function readOutcome(state: RunState, c: Candidate, masker: SecretMasker): Pick<DrillResult, "outcome" | "verified" | "failedStep" | "reason"> {
  const v = state.verification;
  if (v?.type === "verification_recorded") return { outcome: "passed", verified: { date: v.date, by: v.by, assumed: v.assumed ?? [], skipped: v.skipped ?? [] } };
  const failed = stepList(state).find((s) => s.status === "failed") ?? [...state.checks.values()].find((ch) => ch.status === "failed");
  // A run that completed but recorded nothing says why; one that failed at a step is told by the step.
  const why = state.ended?.status === "completed" && v?.type === "verification_skipped" ? `no verification recorded: ${v.reason}` : state.ended?.note ?? (state.ended ? undefined : "the run did not finish");
  if (!failed) return { outcome: "failed", reason: why === undefined ? undefined : masker.mask(why) };
  const reason = state.ended?.status === "completed" ? masker.mask(why ?? "") : undefined;
  const id = "id" in failed ? failed.id : failed.target;
  const step = c.runbook.steps.find((s) => s.id === id);
  const result = failed.attempt?.result;
  return {
    outcome: "failed",
    failedStep: { id, title: step?.title ?? id, what: result ? describeFailure(result, undefined).what : "failed", output: masker.mask(state.tails.get(id) ?? "") },
    reason,
  };
}
