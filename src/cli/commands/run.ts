import os from "node:os";
import { parseParamFlag, paramsFromEnv, resolveParams } from "../../engine/params.js";
import { stepsNeedingOperator } from "../../engine/plan.js";
import { gitState } from "../../git/git.js";
import { newRunId } from "../../journal/run-id.js";
import type { JournalEvent } from "../../journal/events.js";
import { JournalWriter, readJournal } from "../../journal/store.js";
import { drillShortfall } from "../../verify/drill.js";
import { assertCommittable, recordVerification } from "../../verify/record.js";
import { isoDate } from "../dates.js";
import { EXIT, RunbookError, UsageError } from "../errors.js";
import type { Io } from "../io.js";
import { describePlan } from "../run/describe-plan.js";
import { execute, lockRunbook } from "../run/execute.js";
import { openFrontEnd } from "../run/front-end.js";
import { checkRequires, prepare, resolveRunParams } from "../run/prepare.js";
import { crashHook, isInteractive, operatorName } from "../run/session.js";
import { journalPath, stateDir } from "../run/state-dir.js";

export interface RunFlags {
  param: string[];
  yes?: boolean;
  dryRun?: boolean;
  onFailure?: "abort" | "rollback";
  plain?: boolean;
  format?: "text" | "json";
  force?: boolean;
  config?: string;
  record?: boolean;
  commit?: boolean;
}

/** A drill that did every step becomes a verification; one that did not says why in the journal. */
async function recordDrill(journal: JournalWriter, journalFile: string, file: string, user: string, commit: boolean, onEvent: (e: JournalEvent) => void): Promise<void> {
  const shortfall = drillShortfall(readJournal(journalFile).events);
  if (shortfall) {
    onEvent(journal.append({ type: "verification_skipped", reason: shortfall }));
    return;
  }
  try {
    const v = await recordVerification(file, { date: isoDate(new Date()), by: user }, commit);
    onEvent(journal.append({ type: "verification_recorded", date: v.date, by: v.by, commit: v.committed ?? null }));
  } catch (e) {
    onEvent(journal.append({ type: "verification_skipped", reason: `could not record it: ${(e as Error).message}` }));
  }
}

export function collectParamFlags(flags: readonly string[], env: Io["env"]): Record<string, string> {
  const given = paramsFromEnv(env);
  for (const f of flags) {
    const p = parseParamFlag(f);
    if (!p) throw new UsageError(`-p expects NAME=VALUE, got \`${f}\``);
    given[p.name] = p.value;
  }
  return given;
}

export default async function run(io: Io, file: string, flags: RunFlags): Promise<number> {
  const prepared = await prepare(io, file, flags.config);
  const { plan, runbook } = prepared;
  // JSON output is for machines: nobody to prompt.
  const interactive = isInteractive(io) && !flags.dryRun && flags.format !== "json";
  const given = collectParamFlags(flags.param, io.env);

  if (flags.dryRun) {
    // A dry run shows the plan even before every param is known.
    const r = resolveParams(runbook.meta?.params ?? {}, given);
    for (const p of r.problems) io.stderr.write(`runbook: ${p.message}\n`);
    const shown = { ...r.values, ...Object.fromEntries(r.missing.map((n) => [n, "<required>"])) };
    if (flags.format === "json") {
      const params = Object.fromEntries(Object.entries(shown).map(([k, v]) => [k, r.secrets.has(k) && v !== "<required>" ? "***" : v]));
      io.stdout.write(`${JSON.stringify({ ...plan, params }, null, 2)}\n`);
    } else io.stdout.write(describePlan(plan, shown, r.secrets));
    return EXIT.ok;
  }
  checkRequires(plan, io.env);
  if (flags.commit && !flags.record) throw new UsageError("--commit goes with --record");
  if (flags.record && flags.commit) await assertCommittable(prepared.absoluteFile).catch((e: Error) => Promise.reject(new RunbookError(`${file}: ${e.message}`)));
  const needy = stepsNeedingOperator(plan);
  if (!interactive && !flags.yes && needy.length) {
    throw new RunbookError(
      `no terminal to answer for ${needy.map((s) => `${s.id} (${s.manual ? "manual" : "confirm"})`).join(", ")}: run it in a terminal, or pass --yes to confirm every step`,
      EXIT.usage,
    );
  }

  const controller = new AbortController();
  const front = await openFrontEnd(io, plan, { interactive, plain: flags.plain === true, json: flags.format === "json", onStop: () => controller.abort("SIGINT") });
  let journalFile: string | undefined;
  try {
    const resolved = await resolveRunParams(runbook, given, front.askParam);
    const user = operatorName(io.env);
    const runId = newRunId(plan.runbookId, new Date());
    const dir = stateDir(io.env, prepared.loaded, io.cwd);
    const lock = lockRunbook(io, dir, plan.runbookId, runId, user, flags.force === true);
    try {
      journalFile = journalPath(dir, runId);
      const hook = crashHook(io.env);
      const journal = JournalWriter.create(journalFile, hook ? { afterWrite: hook } : {});
      try {
        const onFailure = flags.onFailure ?? (interactive ? "ask" : "abort");
        front.onEvent(
          journal.append({
            type: "run_started",
            runId,
            runbook: { id: plan.runbookId, file: prepared.absoluteFile, sha256: prepared.sha256, title: runbook.title ?? null },
            git: await gitState(prepared.absoluteFile),
            operator: user,
            host: os.hostname(),
            pid: process.pid,
            params: Object.fromEntries(Object.entries(resolved.values).map(([k, v]) => [k, resolved.secrets.has(k) ? "***" : v])),
            secrets: [...resolved.secrets],
            order: plan.steps.map((s) => s.id),
            options: { onFailure, yes: flags.yes === true, record: flags.record === true },
          }),
        );
        const code = await execute(
          { io, prepared, runId, operator: front.operator(user, flags.yes === true), onFailure, params: resolved.values, secretParams: resolved.secrets, onEvent: front.onEvent },
          journal,
          controller,
          (engine) => engine.run(),
        );
        if (flags.record && code !== EXIT.interrupted) await recordDrill(journal, journalFile, prepared.absoluteFile, user, flags.commit === true, front.onEvent);
        return code;
      } finally {
        journal.close();
      }
    } finally {
      lock.release();
    }
  } finally {
    await front.finish(journalFile);
  }
}
