import os from "node:os";
import type { Engine, InterruptedAnswer } from "../../engine/engine.js";
import { stopOrphanGroup } from "../../engine/proc.js";
import type { Io } from "../io.js";
import { execute, lockRunbook } from "./execute.js";
import { openFrontEnd } from "./front-end.js";
import { reopenParams, type Reopened } from "./reopen.js";
import { operatorName } from "./session.js";

export interface ContinueOptions {
  readonly given: Record<string, string>;
  readonly interactive: boolean;
  readonly plain: boolean;
  readonly json: boolean;
  readonly force: boolean;
  readonly yes: boolean;
  /** What to do with an interrupted step, when the flags said. */
  readonly decided?: InterruptedAnswer | undefined;
  readonly onFailure: "abort" | "rollback" | "ask";
  readonly what: (engine: Engine) => Promise<number>;
}

/**
 * Picks a run up again from its journal (resume, rollback): takes the lock, stops whatever a
 * killed runner left running, gathers the params again, journals who took over, and runs.
 */
export async function continueRun(io: Io, r: Reopened, o: ContinueOptions): Promise<number> {
  const { state, prepared, writer } = r;
  const user = operatorName(io.env);
  const lock = lockRunbook(io, r.stateDir, prepared.plan.runbookId, r.runId, user, o.force);
  try {
    // After a kill -9 the interrupted block's process group may still be running: stop it first.
    const open = state.openAttempt;
    if (open?.pid) {
      const outcome = await stopOrphanGroup(open.pid, open.startTime, Number(io.env.RUNBOOK_KILL_GRACE_MS ?? 5000));
      if (outcome === "stopped") io.stderr.write(`runbook: stopped process group ${open.pid} left running by the interrupted ${open.target}\n`);
    }
    const controller = new AbortController();
    const front = await openFrontEnd(io, prepared.plan, { interactive: o.interactive, plain: o.plain, json: o.json, onStop: () => controller.abort("SIGINT") });
    try {
      const { params, secrets, captures } = await reopenParams(r, o.given, front.askParam);
      front.seed(r.events);
      const base = front.operator(user, o.yes, o.decided);
      const decided = o.decided;
      const operator = decided ? { ...base, interrupted: () => Promise.resolve(decided) } : base;
      front.onEvent(writer.append({ type: "run_resumed", operator: user, host: os.hostname(), pid: process.pid, forced: o.force }));
      return await execute(
        { io, prepared, runId: r.runId, operator, onFailure: o.onFailure, params, secretParams: secrets, onEvent: front.onEvent, captures },
        writer,
        controller,
        o.what,
      );
    } finally {
      await front.finish(r.journalFile);
    }
  } finally {
    lock.release();
  }
}
