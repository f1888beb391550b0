import { createInterface } from "node:readline/promises";
import { EXIT, RunbookError, RunRefusedError, UsageError } from "../../core/errors.js";
import { printableLine } from "../../core/printable.js";
import path from "node:path";
import { planSummary, type PlanDocument } from "../../run/approval-plan.js";
import { preparedFromText, sha256 } from "../../run/prepare.js";
import { checkPlanId, fileAtCommit, gitConfigValue } from "../../state/approvals-store.js";
import { dryRunParams, dryRunText } from "../dry-run.js";
import { isInteractive } from "../real-world.js";
import { loadProjectConfig } from "../project-config.js";
import { principalsOf, signBytes, signingKeyFile, verifySignature } from "../../system/ssh-signatures.js";
import { stateDirOf } from "../../state/state-dir.js";
import { shareConfigOf } from "../../state/shared/setup.js";
import { allowedSignersAt, approvalContext, assessPlan, readPlan } from "../approvals.js";
import type { Io } from "../io.js";

export interface ApproveFlags {
  key?: string;
  yes?: boolean;
  config?: string;
}

/**
 * `runbook approve <plan-id>`: shows the plan, asks for the first 8 characters of its id (`--yes`
 * skips the question, never a check), and signs its exact bytes with the approver's key.
 */
export default async function approve(io: Io, id: string, flags: ApproveFlags): Promise<number> {
  checkPlanId(id);
  if (!flags.yes && !io.stdin.isTTY) throw new UsageError("approve needs a terminal to type the plan id into, or --yes (which skips the question, never the checks)", { hint: `runbook approve ${id} --yes` });
  const loaded = await loadProjectConfig(io.cwd, flags.config);
  const stateDir = stateDirOf(io.env, loaded.root, loaded.config.state_dir, io.cwd);
  const ctx = approvalContext(loaded, shareConfigOf(loaded, io.env), stateDir);
  const { stored, doc } = await readPlan(ctx, id);
  const now = new Date();
  const before = await assessPlan(ctx, stored, doc, now);
  if (before.state === "used") throw new RunRefusedError(`plan ${id} was used already (run ${stored.used?.runId ?? "?"}): there is nothing left to approve`);
  if (before.state === "expired") throw new RunRefusedError(`plan ${id} expired at ${printableLine(doc.expiresAt)}`, { hint: `Ask ${printableLine(doc.requester)} to request a new plan.` });
  if (before.problems.length) throw new RunRefusedError(`plan ${id} cannot be approved: ${before.problems.length === 1 ? printableLine(before.problems[0] ?? "") : `${before.problems.length} problems, listed above`}`, before.problems.length > 1 ? { details: before.problems.map((p) => `  ${printableLine(p)}\n`).join("") } : {});
  const allowed = await allowedSignersAt(ctx, doc.runbook.commit);
  const shown = await planAsDryRun(io, ctx.repo, stateDir, doc);
  const key = await signingKeyFile(flags.key, await gitConfigValue(ctx.repo, "user.signingkey"), io.env.HOME);
  try {
    const signature = await signBytes(key.file, stored.bytes);
    const principals = await principalsOf(allowed, signature);
    const me = principals[0];
    if (me === undefined) throw new RunRefusedError(`the key ${key.file} is not in ${ctx.allowedSigners} at the plan's commit ${doc.runbook.commit.slice(0, 12)}: only the people listed there may approve`, { hint: "Ask a maintainer to add your public key (in a reviewed commit); a plan is judged by the file at its own commit." });
    if (principals.includes(doc.requester)) throw new RunRefusedError(`${printableLine(me)} requested plan ${id}: a second person must approve it`, { hint: "Ask someone else listed in the allowed-signers file to run `runbook approve`." });
    if (stored.signatures.some((x) => x.role === "approval" && principals.includes(x.principal))) throw new RunRefusedError(`${printableLine(me)} approved plan ${id} already`, doc.required > 1 ? { hint: `It needs ${doc.required} different people.` } : {});
    const check = await verifySignature(allowed, me, signature, stored.bytes);
    if (!check.ok) throw new RunRefusedError(`your signature as ${printableLine(me)} does not verify: ${printableLine(check.why)}`);
    io.stdout.write(`${planSummary(doc, id, before.state, { steps: false })}\n${shown}`);
    if (!flags.yes) await askForId(io, id);
    const at = new Date().toISOString();
    await ctx.store.write(stored, { id, bytes: stored.bytes, signatures: [...stored.signatures, { role: "approval", principal: me, signature: signature.toString("utf8"), at }], ...(stored.used ? { used: stored.used } : {}) }, `approve ${id} by ${me}`);
    const count = before.approvers.length + 1;
    io.stdout.write(`\nApproved plan ${id} as ${printableLine(me)} (${count} of ${doc.required}).${count >= doc.required ? ` ${printableLine(doc.requester)} can now run it: runbook run ${printableLine(doc.runbook.path)} --plan ${id}` : ""}\n`);
    return EXIT.ok;
  } finally {
    await key.done();
  }
}

/**
 * What the approver reads: the plan exactly as `runbook run <file> --dry-run -p …` prints it with the
 * plan's params, from the runbook as it is at the plan's commit (never the working tree), by the one
 * renderer the dry run uses. A runbook at that commit whose bytes are not the plan's is refused.
 */
async function planAsDryRun(io: Io, repo: string, stateDir: string, doc: PlanDocument): Promise<string> {
  const text = await fileAtCommit(repo, doc.runbook.commit, doc.runbook.path);
  if (text === undefined) throw new RunRefusedError(`${printableLine(doc.runbook.path)} is not in commit ${doc.runbook.commit.slice(0, 12)} here: nothing to show, so nothing is signed`, { hint: "Fetch the team's default branch (git fetch), then approve again." });
  if (sha256(text) !== doc.runbook.sha256) throw new RunRefusedError(`${printableLine(doc.runbook.path)} at commit ${doc.runbook.commit.slice(0, 12)} is not the runbook the plan names (sha256 ${doc.runbook.sha256.slice(0, 12)}): nothing is signed`);
  const prepared = preparedFromText(path.resolve(repo, doc.runbook.path), doc.runbook.path, text, stateDir);
  const interactive = isInteractive(io);
  const { shown, problems } = dryRunParams(prepared, doc.params, { from: undefined, only: undefined, interactive });
  return dryRunText(prepared.plan, shown, { interactive, wrongParams: problems.length });
}

/** The approver types the first 8 characters of the id: proof they read which plan they sign. */
async function askForId(io: Io, id: string): Promise<void> {
  const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream, terminal: true });
  try {
    const answer = (await rl.question(`\nType the first 8 characters of the plan id to approve it: `)).trim();
    if (answer !== id.slice(0, 8)) throw new RunbookError(`\`${printableLine(answer)}\` is not ${id.slice(0, 8)}: nothing was signed`, { exitCode: EXIT.aborted });
  } finally {
    rl.close();
  }
}
