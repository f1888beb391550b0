import { EXIT } from "../../core/errors.js";
import { continueRun, previewRollback } from "../../run/session.js";
import { rollbackPreview } from "../../report/rollback-preview.js";
import type { Io } from "../io.js";
import { continuedRun, continueRequest, sessionSetup, type SessionFlags } from "../session-setup.js";

/** Rolls back a run from its journal: what it changed, newest first, then `## Rollback`; never past an irreversible step unless named. */
export default async function rollback(io: Io, given: string, flags: SessionFlags & { dryRun?: boolean }): Promise<number> {
  const s = await sessionSetup(io, flags);
  const runId = await continuedRun(io, s, given);
  const req = continueRequest(io, s, "rollback", runId, flags);
  if (flags.dryRun) {
    const { items, barrier } = await previewRollback(req, s.world);
    io.stdout.write(`Rolling back run ${runId} would undo, in this order (nothing runs now):\n${rollbackPreview(items, barrier).join("\n")}\n`);
    if (barrier) io.stdout.write(`To undo what came before ${barrier.target} too: runbook rollback ${runId} --past ${barrier.target}\n`);
    return EXIT.ok;
  }
  return continueRun(req, s.world);
}
