import { randomBytes } from "node:crypto";
import { EXIT, RunRefusedError, UsageError } from "../../core/errors.js";
import { parseDuration } from "../../model/duration.js";
import { assemblePlan, planBytes, planIdOf, planSummary } from "../../run/approval-plan.js";
import { resolveParams } from "../../run/param-values.js";
import { commitOfFile, gitConfigValue } from "../../state/approvals-store.js";
import { principalsOf, signBytes, signingKeyFile } from "../../system/ssh-signatures.js";
import { allowedSignersAt, approvalContext, mergedProblem } from "../approvals.js";
import type { Io } from "../io.js";
import { sessionSetup } from "../session-setup.js";

export interface RequestFlags {
  param: string[];
  expires?: string;
  key?: string;
  config?: string;
}

const DEFAULT_EXPIRY_MS = 60 * 60 * 1000;

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
  const allowed = await allowedSignersAt(ctx, at.commit);
  const key = await signingKeyFile(flags.key, await gitConfigValue(ctx.repo, "user.signingkey"), io.env.HOME);
  try {
    // Who signs decides who the requester is: the principal the allowed-signers file gives the key.
    const probe = await signBytes(key.file, Buffer.from("runbook: who am I\n"));
    const [requester] = await principalsOf(allowed, probe);
    if (requester === undefined) throw new RunRefusedError(`the key ${key.file} is not in ${ctx.allowedSigners} (at commit ${at.commit.slice(0, 12)}) for namespace runbook`, { hint: "Ask a maintainer to add your public key there, or pass --key with the key that is." });
    const doc = assemblePlan({
      plan: prepared.plan,
      path: at.rel,
      sha256: prepared.sha256,
      commit: at.commit,
      values: r.values,
      secrets: r.secrets,
      required: prepared.runbook.meta?.approvals?.required ?? 1,
      requester,
      now: new Date(),
      expiresMs,
      nonce: randomBytes(8).toString("hex"),
    });
    const bytes = planBytes(doc);
    const id = planIdOf(bytes);
    const signature = (await signBytes(key.file, bytes)).toString("utf8");
    await ctx.store.write(undefined, { id, bytes, signatures: [{ role: "request", principal: requester, signature, at: doc.requestedAt }] }, `request ${id} by ${requester}`);
    const given = Object.keys(s.given).filter((n) => r.secrets.has(n));
    if (given.length) io.stderr.write(`runbook: the plan records ${given.join(", ")} by name only; give ${given.length === 1 ? "it" : "them"} again at run time\n`);
    io.stderr.write(`runbook: plan stored in ${ctx.store.where}\n`);
    io.stdout.write(`${planSummary(doc, id)}\n${id}\n`);
    return EXIT.ok;
  } finally {
    await key.done();
  }
}
