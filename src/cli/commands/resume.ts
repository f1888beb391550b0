import { checkRunId } from "../../state/layout.js";
import { continueRun } from "../../run/session.js";
import type { Io } from "../io.js";
import { continueRequest, sessionSetup, type SessionFlags } from "../session-setup.js";

/** Continues a run from its journal: completed steps never run again. */
export default async function resume(io: Io, runId: string, flags: SessionFlags): Promise<number> {
  checkRunId(runId);
  const s = await sessionSetup(io, flags);
  return continueRun(continueRequest(io, s, "resume", runId, flags), s.world);
}
