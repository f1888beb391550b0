import os from "node:os";
import type { InterruptedAnswer } from "../../engine/engine.js";
import { stepsNeedingOperator } from "../../engine/plan.js";
import { stopOrphanGroup } from "../../engine/proc.js";
import { interruptedStep } from "../../journal/reduce.js";
import { EXIT, RunbookError, UsageError } from "../errors.js";
import type { Io } from "../io.js";
import { execute, lockRunbook } from "../run/execute.js";
import { openFrontEnd } from "../run/front-end.js";
import { checkRequires } from "../run/prepare.js";
import { reopen, reopenParams } from "../run/reopen.js";
import { isInteractive, operatorName } from "../run/session.js";
import { collectParamFlags } from "./run.js";

export interface ResumeFlags {
  param: string[];
  yes?: boolean;
  rerunInterrupted?: boolean;
  skipInterrupted?: boolean;
  markInterruptedDone?: boolean;
  onFailure?: "abort" | "rollback";
  force?: boolean;
  plain?: boolean;
  config?: string;
}

export default async function resume(io: Io, runId: string, flags: ResumeFlags): Promise<number> {
  const choices = [flags.rerunInterrupted, flags.skipInterrupted, flags.markInterruptedDone].filter(Boolean).length;
  if (choices > 1) throw new UsageError("choose one of --rerun-interrupted, --skip-interrupted and --mark-interrupted-done");
  const given = collectParamFlags(flags.param, io.env);
  const interactive = isInteractive(io);
  const r = await reopen(io, runId, flags);
  const { state, prepared, writer } = r;
  try {
    const status = state.finished?.status;
    if (status === "completed") {
      io.stdout.write(`Run ${runId} already completed; nothing to resume.\n`);
      return EXIT.ok;
    }
    if (status === "rolled_back" || status === "rollback_failed" || state.rollbackStarted) {
      throw new RunbookError(`run ${runId} was rolled back; start a new run instead`, EXIT.usage);
    }
    checkRequires(prepared.plan, io.env);
    const interrupted = interruptedStep(state);
    const decided: InterruptedAnswer | undefined = flags.rerunInterrupted ? "rerun" : flags.skipInterrupted ? "skip" : flags.markInterruptedDone ? "done" : undefined;
    if (interrupted && !interactive && !decided) {
      throw new RunbookError(
        `step ${interrupted} was interrupted and its outcome is unknown; say what to do with --rerun-interrupted, --skip-interrupted or --mark-interrupted-done`,
        EXIT.usage,
      );
    }
    const pending = stepsNeedingOperator(prepared.plan).filter((s) => state.steps.get(s.id) !== "done" && state.steps.get(s.id) !== "skipped");
    if (!interactive && !flags.yes && pending.length) {
      throw new RunbookError(`no terminal to answer for ${pending.map((s) => s.id).join(", ")}: run it in a terminal, or pass --yes`, EXIT.usage);
    }

    const user = operatorName(io.env);
    const lock = lockRunbook(io, r.stateDir, prepared.plan.runbookId, runId, user, flags.force === true);
    try {
      // After a kill -9 the interrupted block's process group may still be running: stop it first.
      const open = state.openAttempt;
      if (open?.pid) {
        const outcome = await stopOrphanGroup(open.pid, open.startTime, Number(io.env.RUNBOOK_KILL_GRACE_MS ?? 5000));
        if (outcome === "stopped") io.stderr.write(`runbook: stopped process group ${open.pid} left running by the interrupted ${open.target}\n`);
      }
      const controller = new AbortController();
      const front = await openFrontEnd(io, prepared.plan, { interactive, plain: flags.plain === true, onStop: () => controller.abort("SIGINT") });
      try {
        const { params, secrets, captures } = await reopenParams(r, given, front.askParam);
        front.seed(r.events);
        const base = front.operator(user, flags.yes === true, decided);
        const operator = decided ? { ...base, interrupted: () => Promise.resolve(decided) } : base;
        front.onEvent(writer.append({ type: "run_resumed", operator: user, host: os.hostname(), pid: process.pid, forced: flags.force === true }));
        const onFailure = flags.onFailure ?? (interactive ? "ask" : "abort");
        return await execute(
          { io, prepared, runId, operator, onFailure, params, secretParams: secrets, onEvent: front.onEvent, captures },
          writer,
          controller,
          (engine) => engine.run(state),
        );
      } finally {
        await front.finish(r.journalFile);
      }
    } finally {
      lock.release();
    }
  } finally {
    writer.close();
  }
}
