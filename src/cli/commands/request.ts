import { EXIT, RunRefusedError, UsageError } from "../../core/errors.js";
import { parseDuration } from "../../model/duration.js";
import { planSummary } from "../../run/approval-plan.js";
import { resolveParams } from "../../run/param-values.js";
import { commitOfFile } from "../../state/approvals-store.js";
import { approvalContext, DEFAULT_EXPIRY_MS, mergedProblem, writeRequest } from "../approvals.js";
import type { Io } from "../io.js";
import { sessionSetup } from "../session-setup.js";

export interface RequestFlags {
  param: string[];
  expires?: string;
  key?: string;
  config?: string;
}

/**
 * `runbook request <file>`: writes the plan a second person approves (docs/approvals.md), signs it
 * with the requester's key and stores it. Prints a Markdown summary, then the plan id on the last line.
 */
export default async function request(io: Io, file: string, flags: RequestFlags): Promise<number> {
  const expiresMs = flags.expires === undefined ? DEFAULT_EXPIRY_MS : parseDuration(flags.expires);
  if (expiresMs === undefined || expiresMs < 1000 || expiresMs > 7 * 24 * 3600 * 1000) throw new UsageError(`--expires ${flags.expires ?? ""}: expected a duration from 1s to 7d, such as 30m or 1h`);
  const s = await sessionSetup(io, { param: flags.param, format: "text", ...(flags.config !== undefined ? { config: flags.config } : {}) });
  const ctx = approvalContext(s.loaded, s.share, s.stateDir);
  const prepared = await s.prepare(file);
  const at = await commitOfFile(prepared.file);
  if (!at) throw new RunRefusedError(`${file} is in no git repository with a commit: a plan names the commit its runbook is at`);
  if (at.dirty) throw new RunRefusedError(`${file} has uncommitted changes: an approver must be able to read exactly what will run`, { hint: "Commit (and push) the runbook, then request again." });
  const unmerged = await mergedProblem(ctx, at.commit);
  if (unmerged) throw new RunRefusedError(`${file} is at a commit the remote's default branch does not have: ${unmerged.replace(/^its commit/, "commit")}`, { hint: "Push it and merge it first: approvers approve what the team merged." });
  const declared = prepared.runbook.meta?.params ?? {};
  const r = resolveParams(declared, s.given);
  const missing = r.missing.filter((n) => !r.secrets.has(n));
  if (r.problems.length || missing.length) {
    const lines = [...r.problems.map((p) => p.message), ...missing.map((n) => `\`${n}\` has no value: give it with -p ${n}=…`)];
    throw new UsageError(`the plan's params are not complete (${lines.length} problem${lines.length === 1 ? "" : "s"})`, { details: `${lines.map((l) => `  ${l}\n`).join("")}` });
  }
  const { id, doc } = await writeRequest({ ctx, prepared, at, values: r.values, secrets: r.secrets, expiresMs, keyFlag: flags.key, home: io.env.HOME });
  const given = Object.keys(s.given).filter((n) => r.secrets.has(n));
  if (given.length) io.stderr.write(`runbook: the plan records ${given.join(", ")} by name only; give ${given.length === 1 ? "it" : "them"} again at run time\n`);
  io.stderr.write(`runbook: plan stored in ${ctx.store.where}\n`);
  io.stdout.write(`${planSummary(doc, id)}\n${id}\n`);
  return EXIT.ok;
}
