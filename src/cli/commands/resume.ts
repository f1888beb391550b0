import type { InterruptedAnswer } from "../../engine/engine.js";
import { stepsNeedingOperator } from "../../engine/plan.js";
import { interruptedStep } from "../../journal/reduce.js";
import { EXIT, RunbookError, UsageError } from "../errors.js";
import type { Io } from "../io.js";
import { continueRun } from "../run/continue-run.js";
import { checkRequires } from "../run/prepare.js";
import { reopen } from "../run/reopen.js";
import { isInteractive } from "../run/session.js";
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
  format?: "text" | "json";
  config?: string;
}

export default async function resume(io: Io, runId: string, flags: ResumeFlags): Promise<number> {
  const choices = [flags.rerunInterrupted, flags.skipInterrupted, flags.markInterruptedDone].filter(Boolean).length;
  if (choices > 1) throw new UsageError("choose one of --rerun-interrupted, --skip-interrupted and --mark-interrupted-done");
  const given = collectParamFlags(flags.param, io.env);
  // JSON output is for machines: nobody to prompt.
  const interactive = isInteractive(io) && flags.format !== "json";
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

    return await continueRun(io, r, {
      given,
      interactive,
      plain: flags.plain === true,
      json: flags.format === "json",
      force: flags.force === true,
      yes: flags.yes === true,
      decided,
      onFailure: flags.onFailure ?? (interactive ? "ask" : "abort"),
      what: (engine) => engine.run(state),
    });
  } finally {
    writer.close();
  }
}
