import os from "node:os";
import { stopOrphanGroup } from "../system/proc.js";
import { runBlock } from "../system/process-runner.js";
import { gitState } from "../system/git-state.js";
import { inheritedEnv } from "../run/block-env.js";
import { onCi } from "../system/on-ci.js";
import type { Clock } from "../run/engine.js";
import type { World } from "../run/world.js";
import type { ShareConfig } from "../state/shared/remote.js";
import { storeAndLocks } from "../state/shared/setup.js";
import { describeSharedRecord } from "../report/shared-record-text.js";
import { operatorName } from "../run/identity.js";
import { assertCommittable, defaultVerifier, recordVerification } from "../authoring/record-verification.js";
import { openFrontEnd, type ViewMode } from "./front-end.js";
import type { Io } from "./io.js";

/** The real world of a run session: files, processes, signals, git, this host and its clock. */
export function realWorld(io: Io, stateDir: string, view: { mode: ViewMode; interactive: boolean; color: boolean }, share: { config: ShareConfig | undefined; offline: boolean } = { config: undefined, offline: false }, outputLimit?: number): World {
  const host = os.hostname();
  const operator = operatorName(io.env);
  const notice = (text: string) => io.stderr.write(`runbook: ${text}\n`);
  const { store, locks } = storeAndLocks({ stateDir, share: share.config, host, pid: process.pid, offline: share.offline, notice, afterWrite: crashHook(io.env), describeRecord: describeSharedRecord });
  return {
    store,
    locks,
    runner: runBlock,
    processes: { stopLeftover: stopOrphanGroup },
    clock: withTestRandom(realClock, io.env),
    git: { state: gitState, assertCommittable, recordVerification, verifier: (file) => defaultVerifier(file, io.env) },
    host,
    pid: process.pid,
    operator,
    onSignal: (handler) => {
      const on = (signal: NodeJS.Signals) => handler(signal);
      for (const s of SIGNALS) process.on(s, on);
      return () => {
        for (const s of SIGNALS) process.off(s, on);
      };
    },
    env: inheritedEnv(io.env),
    graceMs: killGrace(io.env),
    outputLimit,
    notice,
    // JSON Lines on stdout stay JSON Lines: a sentence goes to stderr then.
    print: (text) => (view.mode === "json" ? io.stderr : io.stdout).write(text),
    openFrontEnd: (plan, onStop) => openFrontEnd(io, plan, { ...view, operatorName: operator, onStop }),
  };
}

const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];


/** A person can answer when both ends are a terminal and this is not CI. (`--plain` only changes the screen.) */
export function isInteractive(io: Io): boolean {
  return io.stdin.isTTY === true && io.stdout.isTTY === true && !onCi(io.env);
}

/** `RUNBOOK_KILL_GRACE_MS`: between TERM and KILL when a block is stopped (default 5 s). */
export function killGrace(env: Io["env"]): number {
  const n = Number(env.RUNBOOK_KILL_GRACE_MS ?? 5000);
  return Number.isFinite(n) && n >= 0 ? n : 5000;
}

/** Test hook: SIGKILL this process right after the Nth journal write (crash-at-every-point tests). */
function crashHook(env: Io["env"]): ((count: number) => void) | undefined {
  const n = Number(env.RUNBOOK_TEST_CRASH_AFTER_WRITE);
  if (!Number.isInteger(n) || n <= 0) return undefined;
  return (count) => {
    if (count === n) process.kill(process.pid, "SIGKILL");
  };
}

/** Test hook: `RUNBOOK_TEST_RANDOM` fixes the backoff's jitter, so a test can wait for a retry it can see coming. */
function withTestRandom(clock: Clock, env: Io["env"]): Clock {
  const r = Number(env.RUNBOOK_TEST_RANDOM);
  return env.RUNBOOK_TEST_RANDOM !== undefined && r >= 0 && r < 1 ? { ...clock, random: () => r } : clock;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new Error("aborted"));
      const t = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, Math.min(ms, 2_147_483_647));
      const onAbort = () => {
        clearTimeout(t);
        reject(new Error("aborted"));
      };
      signal.addEventListener("abort", onAbort, { once: true });
    }),
  random: Math.random,
};
