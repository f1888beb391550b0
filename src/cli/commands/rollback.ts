import os from "node:os";
import { EXIT, RunbookError } from "../errors.js";
import { useColor, type Io } from "../io.js";
import { execute, lockRunbook } from "../run/execute.js";
import { flagsOperator, promptOperator } from "../run/operators.js";
import { PlainView } from "../run/plain-view.js";
import { reopen } from "../run/reopen.js";
import { isInteractive, operatorName } from "../run/session.js";

export interface RollbackFlags {
  param: string[];
  yes?: boolean;
  force?: boolean;
  plain?: boolean;
  config?: string;
}

/** Rolls back a finished, failed, aborted or interrupted run from its journal. */
export default async function rollback(io: Io, runId: string, flags: RollbackFlags): Promise<number> {
  const interactive = isInteractive(io, flags.plain);
  const r = await reopen(io, runId, flags, interactive);
  const { state, prepared, writer } = r;
  try {
    if (state.finished?.status === "rolled_back") {
      io.stdout.write(`Run ${runId} was already rolled back.\n`);
      return EXIT.ok;
    }
    const user = operatorName(io.env);
    const lock = lockRunbook(io, r.stateDir, prepared.plan.runbookId, runId, user, flags.force === true);
    try {
      const view = new PlainView(io.stdout, prepared.plan, useColor(io, io.stdout));
      view.seed(r.events);
      if (interactive && !flags.yes) {
        const targets = [...state.completed].reverse().join(", ") || "no completed steps";
        const answer = await promptOperator(io, user, { yes: false }).confirm(
          { id: `rollback of ${targets}`, title: "", instructions: "", line: 0, manual: false, confirm: true, irreversible: undefined, capture: undefined, command: undefined, verify: undefined, rollback: undefined, reads: [] },
          new AbortController().signal,
        );
        if (answer !== "yes") throw new RunbookError("rollback not confirmed; nothing was done", EXIT.aborted);
      }
      view.onEvent(writer.append({ type: "run_resumed", operator: user, host: os.hostname(), pid: process.pid, forced: flags.force === true }));
      const operator = interactive ? promptOperator(io, user, { yes: true }) : flagsOperator({ yes: true });
      const code = await execute(
        { io, prepared, runId, operator, onFailure: "abort", params: r.params, secretParams: r.secrets, onEvent: view.onEvent, captures: r.captures },
        writer,
        (engine) => engine.rollbackOnly(state, `requested by ${user}`),
      );
      io.stdout.write(view.summary(r.journalFile));
      return code;
    } finally {
      lock.release();
    }
  } finally {
    writer.close();
  }
}
