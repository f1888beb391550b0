import { EXIT } from "../errors.js";
import type { Io } from "../io.js";
import { continueRun } from "../run/continue-run.js";
import { reopen } from "../run/reopen.js";
import { isInteractive, operatorName } from "../run/session.js";
import { collectParamFlags } from "./run.js";

export interface RollbackFlags {
  param: string[];
  force?: boolean;
  plain?: boolean;
  format?: "text" | "json";
  config?: string;
}

/** Rolls back a finished, failed, aborted or interrupted run from its journal. */
export default async function rollback(io: Io, runId: string, flags: RollbackFlags): Promise<number> {
  const given = collectParamFlags(flags.param, io.env);
  // JSON output is for machines: nobody to prompt.
  const interactive = isInteractive(io) && flags.format !== "json";
  const r = await reopen(io, runId, flags);
  const { state, writer } = r;
  try {
    if (state.finished?.status === "rolled_back") {
      io.stdout.write(`Run ${runId} was already rolled back.\n`);
      return EXIT.ok;
    }
    return await continueRun(io, r, {
      given,
      interactive,
      plain: flags.plain === true,
      json: flags.format === "json",
      force: flags.force === true,
      // Rolling back is what was asked for: no step-by-step confirmation.
      yes: true,
      onFailure: "abort",
      what: (engine) => engine.rollbackOnly(state, `requested by ${operatorName(io.env)}`),
    });
  } finally {
    writer.close();
  }
}
