import { continueRun } from "../../run/session.js";
import { stepApproval } from "../approvals.js";
import type { Io } from "../io.js";
import { continuedRun, continueRequest, sessionSetup, type SessionFlags } from "../session-setup.js";

export interface ResumeFlags extends SessionFlags {
  /** `--plan <plan-id>`: the approved plan for the steps of `approvals.steps` the run stopped before (docs/approvals.md). */
  plan?: string;
  /** `--wait-approval`: wait there for an approved plan, without a terminal too. */
  waitApproval?: boolean;
}

/** Continues a run from its journal (here, or shared from another machine): completed steps never run again. */
export default async function resume(io: Io, given: string, flags: ResumeFlags): Promise<number> {
  const s = await sessionSetup(io, flags);
  const runId = await continuedRun(io, s, given);
  const steps = stepApproval({ loaded: s.loaded, share: s.share, stateDir: s.stateDir, cwd: io.cwd, env: io.env, plan: flags.plan, wait: flags.waitApproval === true || s.interactive, operator: s.world.operator });
  return continueRun({ ...continueRequest(io, s, "resume", runId, flags), stepApproval: steps }, s.world);
}
