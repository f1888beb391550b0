import os from "node:os";
import { EXIT, RunRefusedError } from "../../core/errors.js";
import { readRun } from "../../run/read-run.js";
import { LockHeldError } from "../../state/lock.js";
import { printableLine } from "../../core/printable.js";
import type { Io } from "../io.js";
import { sessionSetup } from "../session-setup.js";
import { requireShare, runIdIn, syncForReading } from "../shared-runs.js";

/**
 * `runbook share push [run-id…]`: publishes the runs that only this clone has, or has more of (a run
 * that went on `--offline`, a release push that failed). Each is pushed the way a runner pushes: by
 * taking its runbook's lock on the remote for a moment, its journal going up with the lock commit,
 * then releasing it. A run whose runbook is held by a live lease, or that is live in this clone
 * (its runner holds the runbook's lock or the journal's writer lock here), is left alone and named,
 * and then nothing of it reaches the remote: the local locks are taken before the remote is touched.
 */
export default async function sharePush(io: Io, given: string[], flags: { config?: string }): Promise<number> {
  const s = await sessionSetup(io, { param: [], format: "text", ...(flags.config !== undefined ? { config: flags.config } : {}) });
  const share = requireShare(s.share);
  const sync = requireShare(await syncForReading(io, share, s.stateDir));
  if (sync.unreachable) throw new RunRefusedError(`cannot push: ${share.remote} could not be reached (${sync.unreachable})`, { hint: "Try again when it answers; nothing was changed." });
  const { store, locks, operator } = s.world;
  const behind = new Map(sync.runs.filter((r) => r.status === "ahead" || r.status === "local only").map((r) => [r.runId, r]));
  const wanted = given.length ? given.map((g) => runIdIn(store, io.cwd, g)) : [...behind.keys()];
  let left = 0;
  for (const runId of wanted) {
    if (!behind.has(runId)) {
      io.stdout.write(`${runId}  nothing to push (${sync.runs.find((r) => r.runId === runId)?.status ?? "shared"})\n`);
      continue;
    }
    const runbookId = readRun(store, runId).state.started.runbook.id;
    try {
      const lock = await locks.acquire(runbookId, { runId, user: operator, startedAt: new Date().toISOString() }, false);
      await lock.release();
      io.stdout.write(`${runId}  pushed\n`);
    } catch (e) {
      if (!(e instanceof LockHeldError)) throw e;
      left++;
      // Refused before the remote was touched: a run live here publishes itself (or, --offline, is pushed once it stops).
      const here = e.holder !== undefined && e.holder.host === os.hostname();
      io.stdout.write(`${runId}  not pushed: ${printableLine(e.message)}${here ? `: it is live in this clone (pid ${e.holder?.pid}); nothing was pushed, push it once it stops` : ""}\n`);
    }
  }
  if (wanted.length === 0) io.stdout.write(`Nothing to push: ${share.remote} has every run this clone has.\n`);
  return left ? EXIT.findings : EXIT.ok;
}
