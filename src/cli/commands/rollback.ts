import { EXIT } from "../../errors.js";
import { continueRun, previewRollback } from "../../run/session.js";
import { printableLine } from "../../views/printable.js";
import type { Io } from "../io.js";
import { continuedRun, continueRequest, sessionSetup, type SessionFlags } from "../session-setup.js";

/** Rolls back a run from its journal: what it changed, newest first, then `## Rollback`. */
export default async function rollback(io: Io, given: string, flags: SessionFlags & { dryRun?: boolean }): Promise<number> {
  const s = await sessionSetup(io, flags);
  const runId = await continuedRun(io, s, given);
  const req = continueRequest(io, s, "rollback", runId, flags);
  if (flags.dryRun) {
    const { lines } = await previewRollback(req, s.world);
    const out = lines.length ? lines.map((l, i) => `  ${i + 1}. ${printableLine(l.label)}: ${printableLine(l.action)}`) : ["  nothing: no step of this run has changed anything"];
    io.stdout.write(`Rolling back run ${runId} would undo, in this order (nothing runs now):\n${out.join("\n")}\n`);
    return EXIT.ok;
  }
  return continueRun(req, s.world);
}
