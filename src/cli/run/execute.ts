import { Engine, type Operator } from "../../engine/engine.js";
import { acquireLock, LockHeldError, type Lock } from "../../engine/lock.js";
import { runBlock } from "../../engine/process-runner.js";
import type { JournalEvent } from "../../journal/events.js";
import { JournalError, type JournalWriter } from "../../journal/store.js";
import { EXIT, RunbookError } from "../errors.js";
import type { Io } from "../io.js";
import { inheritedEnv } from "./block-env.js";
import type { Prepared } from "./prepare.js";
import { onSignals, realClock } from "./session.js";

export interface Session {
  readonly io: Io;
  readonly prepared: Prepared;
  readonly runId: string;
  readonly operator: Operator;
  readonly onFailure: "abort" | "rollback" | "ask";
  readonly params: Readonly<Record<string, string>>;
  readonly secretParams: ReadonlySet<string>;
  readonly onEvent: (e: JournalEvent) => void;
  readonly captures?: Readonly<Record<string, string>>;
}

export function lockRunbook(io: Io, stateDir: string, runbookId: string, runId: string, user: string, force: boolean): Lock {
  try {
    const lock = acquireLock(stateDir, runbookId, { runId, user, startedAt: new Date().toISOString() }, force);
    if (lock.tookOverFrom) io.stderr.write(`runbook: took over the lock of run ${lock.tookOverFrom.runId} (pid ${lock.tookOverFrom.pid} on this host is gone)\n`);
    return lock;
  } catch (e) {
    if (e instanceof LockHeldError) throw new RunbookError(`${e.message}; wait for it to finish, or pass --force if you are sure it is dead`, EXIT.usage);
    const code = (e as NodeJS.ErrnoException).code;
    throw new RunbookError(`cannot use the state folder ${stateDir}: ${code ?? (e as Error).message} (set RUNBOOK_STATE_DIR or state_dir in runbook.config.yaml)`, EXIT.usage);
  }
}

/** Builds the engine, wires signals, and runs `what` to an exit code. */
export async function execute(s: Session, journal: JournalWriter, controller: AbortController, what: (engine: Engine) => Promise<number>): Promise<number> {
  const removeSignals = onSignals(controller);
  const graceMs = Number(s.io.env.RUNBOOK_KILL_GRACE_MS ?? 5000);
  const engine = new Engine({
    plan: s.prepared.plan,
    runId: s.runId,
    journal,
    runner: runBlock,
    operator: s.operator,
    clock: realClock,
    signal: controller.signal,
    baseEnv: inheritedEnv(s.io.env),
    params: s.params,
    secretParams: s.secretParams,
    graceMs: Number.isFinite(graceMs) ? graceMs : 5000,
    onFailure: s.onFailure,
    onEvent: s.onEvent,
  });
  for (const [name, value] of Object.entries(s.captures ?? {})) engine.setCapture(name, value, true);
  try {
    return await what(engine);
  } catch (e) {
    if (e instanceof JournalError) throw new RunbookError(`${e.message}; the run stopped because it can no longer be recorded`, EXIT.findings);
    throw e;
  } finally {
    removeSignals();
  }
}

