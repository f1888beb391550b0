import { continueRun } from "../../run/session.js";
import type { Io } from "../io.js";
import { continuedRun, continueRequest, sessionSetup, type SessionFlags } from "../session-setup.js";

/** Continues a run from its journal (here, or shared from another machine): completed steps never run again. */
export default async function resume(io: Io, given: string, flags: SessionFlags): Promise<number> {
  const s = await sessionSetup(io, flags);
  const runId = await continuedRun(io, s, given);
  return continueRun(continueRequest(io, s, "resume", runId, flags), s.world);
}
