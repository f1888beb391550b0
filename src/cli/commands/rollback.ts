import os from "node:os";
import { EXIT } from "../errors.js";
import type { Io } from "../io.js";
import { execute, lockRunbook } from "../run/execute.js";
import { openFrontEnd } from "../run/front-end.js";
import { reopen, reopenParams } from "../run/reopen.js";
import { isInteractive, operatorName } from "../run/session.js";
import { collectParamFlags } from "./run.js";

export interface RollbackFlags {
  param: string[];
  force?: boolean;
  plain?: boolean;
  config?: string;
}

/** Rolls back a finished, failed, aborted or interrupted run from its journal. */
export default async function rollback(io: Io, runId: string, flags: RollbackFlags): Promise<number> {
  const given = collectParamFlags(flags.param, io.env);
  const interactive = isInteractive(io);
  const r = await reopen(io, runId, flags);
  const { state, prepared, writer } = r;
  try {
    if (state.finished?.status === "rolled_back") {
      io.stdout.write(`Run ${runId} was already rolled back.\n`);
      return EXIT.ok;
    }
    const user = operatorName(io.env);
    const lock = lockRunbook(io, r.stateDir, prepared.plan.runbookId, runId, user, flags.force === true);
    try {
      const controller = new AbortController();
      const front = await openFrontEnd(io, prepared.plan, { interactive, plain: flags.plain === true, onStop: () => controller.abort("SIGINT") });
      try {
        const { params, secrets, captures } = await reopenParams(r, given, front.askParam);
        front.seed(r.events);
        front.onEvent(writer.append({ type: "run_resumed", operator: user, host: os.hostname(), pid: process.pid, forced: flags.force === true }));
        return await execute(
          { io, prepared, runId, operator: front.operator(user, true), onFailure: "abort", params, secretParams: secrets, onEvent: front.onEvent, captures },
          writer,
          controller,
          (engine) => engine.rollbackOnly(state, `requested by ${user}`),
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
