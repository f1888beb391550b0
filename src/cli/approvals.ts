import path from "node:path";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { RunbookError, RunRefusedError, UsageError } from "../core/errors.js";
import { printableLine } from "../core/printable.js";
import type { ApprovalsSpec, Param } from "../model/schema/frontmatter-schema.js";
import { approvalNeed, assemblePlan, parsePlan, planBytes, planDifferences, planIdOf, type PlanDocument } from "../run/approval-plan.js";
import type { Prepared } from "../run/prepare.js";
import type { ApprovalGate, StepApproval, StepApprovalAsk } from "../run/session.js";
import type { ApprovalRecord } from "../journal/events.js";
import { checkPlanId, commitOfFile, fileApprovalStore, fileAtCommit, gitConfigValue, onDefaultBranch, gitApprovalStore, type ApprovalStore, type StoredPlan } from "../state/approvals-store.js";
import type { ShareConfig } from "../state/shared/remote.js";
import type { LoadedConfig } from "../system/config-file.js";
import { repoRootOf } from "../system/repo-root.js";
import { principalsOf, signBytes, signingKeyFile, verifySignature } from "../system/ssh-signatures.js";

/**
 * What every approvals command needs: where plans live, and where the allowed-signers file is in the
 * repository (its text is always read at a commit, never from the working tree: docs/approvals.md).
 */
export interface ApprovalContext {
  readonly store: ApprovalStore;
  /** With `share:`: plans must be at a commit on the remote's default branch. */
  readonly share: ShareConfig | undefined;
  readonly repo: string;
  /** The allowed-signers file, relative to the repository root (posix). */
  readonly allowedSigners: string;
}

export function approvalContext(loaded: LoadedConfig, share: ShareConfig | undefined, stateDir: string): ApprovalContext {
  const configured = loaded.config.approvals?.allowed_signers;
  if (configured === undefined)
    throw new UsageError("approvals need `approvals: {allowed_signers: <file>}` in runbook.config.yaml: the file that says whose SSH keys may sign plans", { hint: "See docs/approvals.md." });
  const repo = repoRootOf(loaded.root);
  if (!repo) throw new UsageError(`approvals: ${loaded.root} is in no git repository; plans are tied to a commit`);
  const allowedSigners = path.relative(repo, path.resolve(loaded.root, configured)).split(path.sep).join("/");
  return { store: share ? gitApprovalStore(share) : fileApprovalStore(stateDir), share, repo, allowedSigners };
}

/** The allowed-signers file as it is at a commit: a change made later, or not committed, never counts for this plan. */
export async function allowedSignersAt(ctx: ApprovalContext, commit: string): Promise<string> {
  const text = await fileAtCommit(ctx.repo, commit, ctx.allowedSigners);
  if (text === undefined) throw new RunRefusedError(`the allowed-signers file ${ctx.allowedSigners} is not in commit ${commit.slice(0, 12)}`, { hint: "Commit it (it says whose keys count), then request again." });
  return text;
}

export async function readPlan(ctx: ApprovalContext, id: string): Promise<{ stored: StoredPlan; doc: PlanDocument }> {
  const stored = await ctx.store.read(id);
  if (!stored) throw new UsageError(`no plan ${id} in ${ctx.store.where}`, { hint: "See `runbook approvals` for the plans." });
  const doc = parsePlan(stored.bytes);
  if (!doc) throw new RunRefusedError(`plan ${id} cannot be read: it is not a plan this version of runbook understands`);
  return { stored, doc };
}

export interface Assessment {
  readonly state: "pending" | "approved" | "expired" | "used" | "refused";
  /** Distinct principals other than the requester whose approval verifies. */
  readonly approvers: readonly string[];
  /** Every signature that does not hold, with why: any of them refuses the plan. */
  readonly problems: readonly string[];
}

/**
 * Verifies a plan's signatures under the allowed-signers file at the plan's commit: the requester's,
 * then each approval (by someone else, once per principal). Its state follows: used, expired, refused
 * (a signature that does not hold), approved, pending.
 */
export async function assessPlan(ctx: ApprovalContext, stored: StoredPlan, doc: PlanDocument, now: Date): Promise<Assessment> {
  const problems: string[] = [];
  if (planIdMismatch(stored)) problems.push(`the plan's bytes do not hash to its id ${stored.id}: it was changed after it was requested`);
  const merged = await mergedProblem(ctx, doc.runbook.commit);
  if (merged) problems.push(merged);
  const allowed = await fileAtCommit(ctx.repo, doc.runbook.commit, ctx.allowedSigners);
  const approvers: string[] = [];
  if (allowed === undefined) problems.push(`the allowed-signers file ${ctx.allowedSigners} is not in the plan's commit ${doc.runbook.commit.slice(0, 12)} (fetch it, or it was never committed)`);
  else {
    const request = stored.signatures.filter((s) => s.role === "request");
    const mine = request.find((s) => s.principal === doc.requester);
    if (!mine) problems.push(`no signature by the requester ${doc.requester}`);
    else {
      const v = await verifySignature(allowed, mine.principal, Buffer.from(mine.signature), stored.bytes);
      if (!v.ok) problems.push(`the requester ${printableLine(mine.principal)}'s signature does not verify: ${printableLine(v.why)}`);
    }
    for (const s of stored.signatures.filter((x) => x.role === "approval")) {
      const who = printableLine(s.principal);
      if (s.principal === doc.requester) problems.push(`${who} approved their own request: a second person must approve`);
      else if (approvers.includes(s.principal)) problems.push(`${who} approved twice`);
      else {
        const v = await verifySignature(allowed, s.principal, Buffer.from(s.signature), stored.bytes);
        if (v.ok) approvers.push(s.principal);
        else problems.push(`the approval signed as ${who} does not verify under ${ctx.allowedSigners} at ${doc.runbook.commit.slice(0, 12)}: ${printableLine(v.why)}`);
      }
    }
  }
  const state = stored.used ? "used" : Date.parse(doc.expiresAt) <= now.getTime() ? "expired" : problems.length ? "refused" : approvers.length >= doc.required ? "approved" : "pending";
  return { state, approvers, problems };
}

/** With `share:`, why a plan's commit does not count: it is not on the remote's default branch. */
export async function mergedProblem(ctx: ApprovalContext, commit: string): Promise<string | undefined> {
  if (!ctx.share) return undefined;
  const on = await onDefaultBranch(ctx.share, commit);
  return on.ok ? undefined : `its commit ${commit.slice(0, 12)} is not on ${ctx.share.remote}/${on.branch}: a plan is judged by the allowed-signers file of a commit the team merged`;
}

/** The id is the start of the bytes' SHA-256: bytes changed in the store no longer match it. */
const planIdMismatch = (stored: StoredPlan) => planIdOf(stored.bytes) !== stored.id;

/**
 * The gate `runbook run` passes through (docs/approvals.md). With `--plan`: the plan is read and
 * verified now, before anything is asked or run (signatures under the allowed-signers file at its
 * commit, expiry, use, the runbook's path, content and steps, the params given), its values become the
 * run's, and once every value is known they are compared again. Without a plan, a runbook whose
 * `approvals:` applies to these values is refused, with the `runbook request` command that makes one,
 * unless its `approvals.steps` names steps: then the run starts, and waits for a plan before the first
 * of them (`stepApproval`).
 */
export async function approvalGate(o: {
  loaded: LoadedConfig;
  share: ShareConfig | undefined;
  stateDir: string;
  prepared: Prepared;
  fileArg: string;
  given: Readonly<Record<string, string>>;
  /** Which given params came from `-p` (the request command repeats those; the environment still has the others). */
  givenBy: Readonly<Record<string, "flag" | "environment">>;
  plan: string | undefined;
  breakGlass: boolean;
  /** Who runs it, recorded with the plan's use. */
  operator: string;
}): Promise<{ gate: ApprovalGate | undefined; given: Record<string, string>; needed: boolean }> {
  const spec = o.prepared.runbook.meta?.approvals;
  const declared = o.prepared.runbook.meta?.params ?? {};
  const withDefaults = Object.fromEntries(Object.entries(declared).map(([n, p]) => [n, Object.hasOwn(o.given, n) ? o.given[n] : p.default]));
  const early = approvalNeed(spec, withDefaults);
  const requestCommand = () => `runbook request ${o.fileArg}${Object.entries(o.given).filter(([n]) => declared[n]?.secret !== true && o.givenBy[n] === "flag").map(([n, v]) => ` -p ${n}=${shellWord(v)}`).join("")}`;
  const refuseUnapproved = (why: string) =>
    new RunRefusedError(`${o.fileArg} needs an approved plan ${why}: ${spec?.required ?? 1} person${(spec?.required ?? 1) === 1 ? "" : "s"} other than you must sign it first`, {
      hint: `Request one with:\n  ${requestCommand()}\nthen, once approved: runbook run ${o.fileArg} --plan <plan-id>  (or, when the team cannot wait: --break-glass "reason")`,
    });
  // With `approvals.steps`, these values make the run wait for a plan before those steps.
  const stepsFor = (values: Readonly<Record<string, string | undefined>>): readonly string[] => (spec?.steps && approvalNeed(spec, values) === "needed" ? spec.steps : []);
  if (o.plan === undefined) {
    if (o.breakGlass) return { gate: undefined, given: { ...o.given }, needed: early !== "not-needed" };
    if (early === "needed" && !spec?.steps) throw refuseUnapproved(whenText(spec));
    // Judged again with the values the run starts with: a param asked for, or changed at the review
    // before the start, decides too.
    const gate: ApprovalGate | undefined = spec
      ? {
          check: async (values) => {
            if (approvalNeed(spec, values) !== "needed") return [];
            if (spec.steps) return spec.steps;
            throw refuseUnapproved(whenText(spec));
          },
          claim: async () => undefined,
        }
      : undefined;
    return { gate, given: { ...o.given }, needed: false };
  }
  const ctx = approvalContext(o.loaded, o.share, o.stateDir);
  const { stored, doc } = await readPlan(ctx, checkPlanId(o.plan));
  // The plan's values are the run's; a value given now that differs is a difference, listed below.
  const given = { ...doc.params, ...o.given };
  const secrets = new Set(Object.entries(declared).filter(([, p]) => p.secret === true).map(([n]) => n));
  const knownNow = Object.fromEntries(Object.entries(given).filter(([n]) => !secrets.has(n)));
  const run = { path: o.prepared.location.path, sha256: o.prepared.sha256, plan: o.prepared.plan, secrets };
  const { problems, a } = await planProblems(ctx, stored, doc, { ...run, values: { ...knownNow, ...onlyDefaults(declared, given) } }, undefined);
  if (problems.length) throw planRefusal(o.plan, problems);
  const gate: ApprovalGate = {
    check: async (values, runSecrets) => {
      const drift = planDifferences(doc, { ...run, values: Object.fromEntries(Object.entries(values).filter(([n]) => !runSecrets.has(n))), secrets: runSecrets });
      if (drift.length) throw planRefusal(doc.runbook.id, drift.map((d) => `differs from the run: ${d}`));
      return stepsFor(values);
    },
    claim: async (runId) => claimPlan(ctx, stored, doc, a, runId, o.operator),
  };
  return { gate, given, needed: true };
}

/**
 * Every reason a stored plan does not allow this run now, by the rules of `run --plan`: its
 * signatures, expiry, use (a plan used by this very run still counts for it: `runId`), approvals, and
 * every difference from the run. Empty when it allows it.
 */
async function planProblems(
  ctx: ApprovalContext,
  stored: StoredPlan,
  doc: PlanDocument,
  run: Parameters<typeof planDifferences>[1],
  runId: string | undefined,
  o: { expiry: boolean } = { expiry: true },
): Promise<{ problems: string[]; a: Assessment }> {
  const a = await assessPlan(ctx, stored, doc, new Date());
  const problems = [...a.problems];
  const usedByOther = stored.used !== undefined && stored.used.runId !== runId;
  if (usedByOther) problems.unshift(`it was used already, by run ${stored.used?.runId ?? "?"} (${stored.used?.operator ?? "?"}, ${stored.used?.at ?? "?"}): a plan is used once`);
  else if (o.expiry && Date.parse(doc.expiresAt) <= Date.now()) problems.unshift(`it expired at ${doc.expiresAt}`);
  if (a.approvers.length < doc.required) problems.push(`it has ${a.approvers.length} valid approval${a.approvers.length === 1 ? "" : "s"} by someone other than ${doc.requester}; it needs ${doc.required}`);
  problems.push(...planDifferences(doc, run).map((d) => `differs from the run: ${d}`));
  return { problems, a };
}

/** Marks the plan used by this run (once: compare-and-swap with `share:`), unless it already is; what the journal records. */
async function claimPlan(ctx: ApprovalContext, stored: StoredPlan, doc: PlanDocument, a: Assessment, runId: string, operator: string): Promise<ApprovalRecord> {
  if (stored.used?.runId !== runId) {
    const used = { runId, operator, at: new Date().toISOString() };
    await ctx.store.write(stored, { id: stored.id, bytes: stored.bytes, signatures: stored.signatures, used }, `use ${stored.id} in ${runId}`);
  }
  return { plan: stored.id, requester: doc.requester, approvers: [...a.approvers], commit: doc.runbook.commit, expiresAt: doc.expiresAt };
}

/**
 * Approvals before steps (`approvals.steps`, docs/approvals.md). When the run reaches the first such
 * step: with `--plan`, that plan is verified (the rules of `run --plan`, with the run's values as they
 * are now) and claimed; without one, the approvals store is searched for an approved plan that is
 * exactly this run (its runbook, content, steps and values); none found, the run stops there
 * (resumable) with the `runbook request` command, or, with `wait` (a terminal, `--wait-approval`),
 * says so once and looks again every few seconds until one is approved or the run is interrupted.
 */
export function stepApproval(o: {
  loaded: LoadedConfig;
  share: ShareConfig | undefined;
  stateDir: string;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  plan: string | undefined;
  wait: boolean;
  operator: string;
  /** The file as the operator named it (`run`); a resume names it relative to the working directory. */
  fileArg?: string;
}): StepApproval {
  const context = () => approvalContext(o.loaded, o.share, o.stateDir);
  const runOf = (prepared: Prepared, values: Readonly<Record<string, string>>, secrets: ReadonlySet<string>) => ({
    path: prepared.location.path,
    sha256: prepared.sha256,
    plan: prepared.plan,
    values: Object.fromEntries(Object.entries(values).filter(([n]) => !secrets.has(n))),
    secrets,
  });
  const pollMs = Math.max(50, Number(o.env.RUNBOOK_APPROVAL_POLL_MS ?? "") || 5000);
  return {
    plan: o.plan,
    async obtain(a) {
      const ctx = context();
      const run = runOf(a.prepared, a.values, a.secrets);
      if (o.plan !== undefined) {
        const { stored, doc } = await readPlan(ctx, checkPlanId(o.plan));
        const { problems, a: assessed } = await planProblems(ctx, stored, doc, run, a.runId);
        if (problems.length) throw planRefusal(o.plan, problems, stopped(a));
        return told(a, await claimPlan(ctx, stored, doc, assessed, a.runId, o.operator));
      }
      const command = requestCommandFor(a.prepared, o.fileArg ?? path.relative(o.cwd, a.prepared.file), a.values, a.secrets, o.env);
      let said = "";
      let requested = false;
      for (;;) {
        const found = await matchingPlan(ctx, run, a.runId);
        if (found.ok) return told(a, await claimPlan(ctx, found.ok.stored, found.ok.doc, found.ok.a, a.runId, o.operator));
        // Waiting, with no plan for this run anywhere: ask for one, once, signed with the operator's key.
        if (o.wait && !requested && !found.seen.length) {
          requested = true;
          const made = await requestForRun(ctx, a, o.env);
          if (typeof made === "string") a.notice(`could not request a plan for this run itself: ${printableLine(made)}`);
          else {
            a.notice(`requested plan ${made.id} for this run as ${printableLine(made.doc.requester)} (expires ${made.doc.expiresAt}): ask someone else to approve it with \`runbook approve ${made.id}\``);
            continue;
          }
        }
        const spec = a.prepared.runbook.meta?.approvals;
        const who = `${spec?.required ?? 1} person${(spec?.required ?? 1) === 1 ? "" : "s"} other than the requester`;
        if (!o.wait)
          throw new RunRefusedError(`${stopped(a)}: it needs an approved plan ${whenText(spec)} before ${a.step}, signed by ${who}; steps before it ran, nothing of ${a.step} did`, {
            details: found.seen.map((l) => `  ${printableLine(l)}\n`).join(""),
            hint: `Request one with:\n  ${command}\nthen, once approved: runbook resume ${a.runId} --plan <plan-id>  (or wait for it: runbook resume ${a.runId} --wait-approval)`,
          });
        const line = `waiting before ${a.step} for an approved plan (${who} must sign it): request one with \`${command}\`; looking in ${ctx.store.where} every ${Math.round(pollMs / 100) / 10} s; Ctrl-C leaves run ${a.runId} resumable${found.seen.length ? `\n${found.seen.map((l) => `  ${printableLine(l)}`).join("\n")}` : ""}`;
        if (line !== said) a.notice(line);
        said = line;
        await sleep(pollMs, undefined, { signal: a.signal }).catch(() => undefined);
        if (a.signal.aborted) return undefined;
      }
    },
    async recheck(a) {
      if (o.plan !== undefined && o.plan !== a.record.plan)
        throw new UsageError(`run ${a.runId} was approved with plan ${a.record.plan}; --plan ${o.plan} is another plan`, { hint: `Resume it without --plan: runbook resume ${a.runId}` });
      const ctx = context();
      const { stored, doc } = await readPlan(ctx, checkPlanId(a.record.plan));
      // Checked in time before the crash: expiry is not asked again; everything else is.
      const { problems } = await planProblems(ctx, stored, doc, runOf(a.prepared, a.values, a.secrets), a.runId, { expiry: false });
      if (!stored.used) problems.push(`it is not marked used by run ${a.runId}`);
      if (problems.length) throw planRefusal(a.record.plan, problems, `run ${a.runId} was approved with it, which no longer holds`);
    },
  };
}

const stopped = (a: StepApprovalAsk) => `run ${a.runId} stopped before ${a.step}`;

function told(a: StepApprovalAsk, r: ApprovalRecord): ApprovalRecord {
  a.notice(`approved plan ${r.plan}: requested by ${printableLine(r.requester)}, approved by ${r.approvers.map(printableLine).join(", ")}; ${a.step} may begin`);
  return r;
}

/**
 * An approved plan in the store that is exactly this run, if any; and a line for each plan of this
 * runbook that is not (yet): pending, refused, and why. Expired plans, plans of other runbooks or
 * content and plans used by other runs are left out.
 */
async function matchingPlan(ctx: ApprovalContext, run: Parameters<typeof planDifferences>[1], runId: string): Promise<{ ok?: { stored: StoredPlan; doc: PlanDocument; a: Assessment }; seen: string[] }> {
  const seen: string[] = [];
  const plans = (await ctx.store.list())
    .map((stored) => ({ stored, doc: parsePlan(stored.bytes) }))
    .filter((p): p is { stored: StoredPlan; doc: PlanDocument } => p.doc !== undefined)
    .filter(({ stored, doc }) => doc.runbook.path === run.path && doc.runbook.sha256 === run.sha256 && (stored.used === undefined || stored.used.runId === runId) && Date.parse(doc.expiresAt) > Date.now())
    .sort((x, y) => x.doc.requestedAt.localeCompare(y.doc.requestedAt));
  for (const p of plans) {
    const { problems, a } = await planProblems(ctx, p.stored, p.doc, run, runId);
    if (!problems.length) return { ok: { ...p, a }, seen };
    seen.push(`plan ${p.stored.id} (requested by ${p.doc.requester}) does not allow it: ${problems.join("; ")}`);
  }
  return { seen };
}

/** The exact `runbook request` for this run: every non-secret value that is neither the default nor given by RUNBOOK_PARAM_* in this environment. */
function requestCommandFor(prepared: Prepared, file: string, values: Readonly<Record<string, string>>, secrets: ReadonlySet<string>, env: Readonly<Record<string, string | undefined>>): string {
  const declared = prepared.runbook.meta?.params ?? {};
  const flags = Object.entries(values)
    .filter(([n, v]) => !secrets.has(n) && declared[n]?.default !== v && env[`RUNBOOK_PARAM_${n}`] !== v)
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([n, v]) => ` -p ${n}=${shellWord(v)}`);
  return `runbook request ${shellWord(file)}${flags.join("")}`;
}

export const DEFAULT_EXPIRY_MS = 60 * 60 * 1000;

/**
 * Writes and signs a plan for a runbook at a commit with these values, and stores it (`runbook
 * request`, and a run waiting before a step of `approvals.steps`). The requester is the principal the
 * allowed-signers file at that commit gives the key: `keyFlag`, else git's `user.signingkey`, else
 * `~/.ssh/id_ed25519`.
 */
export async function writeRequest(o: {
  ctx: ApprovalContext;
  prepared: Prepared;
  at: { commit: string; rel: string };
  values: Readonly<Record<string, string>>;
  secrets: ReadonlySet<string>;
  expiresMs: number;
  keyFlag: string | undefined;
  home: string | undefined;
}): Promise<{ id: string; doc: PlanDocument }> {
  const { ctx, prepared, at } = o;
  const allowed = await allowedSignersAt(ctx, at.commit);
  const key = await signingKeyFile(o.keyFlag, await gitConfigValue(ctx.repo, "user.signingkey"), o.home);
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
      values: o.values,
      secrets: o.secrets,
      required: prepared.runbook.meta?.approvals?.required ?? 1,
      requester,
      now: new Date(),
      expiresMs: o.expiresMs,
      nonce: randomBytes(8).toString("hex"),
    });
    const bytes = planBytes(doc);
    const id = planIdOf(bytes);
    const signature = (await signBytes(key.file, bytes)).toString("utf8");
    await ctx.store.write(undefined, { id, bytes, signatures: [{ role: "request", principal: requester, signature, at: doc.requestedAt }] }, `request ${id} by ${requester}`);
    return { id, doc };
  } finally {
    await key.done();
  }
}

/**
 * A run waiting before a step asks for its own plan, as `runbook request` would with the run's values,
 * signed with the operator's key. Undefined when it cannot (why, in words): the command is printed instead.
 */
async function requestForRun(ctx: ApprovalContext, a: StepApprovalAsk, env: Readonly<Record<string, string | undefined>>): Promise<{ id: string; doc: PlanDocument } | string> {
  try {
    const at = await commitOfFile(a.prepared.file);
    if (!at) return "the runbook is in no git repository with a commit";
    if (at.dirty) return "the runbook has uncommitted changes";
    if (at.rel !== a.prepared.location.path) return `the runbook is at ${at.rel} in git, and ${a.prepared.location.path} in this run`;
    const unmerged = await mergedProblem(ctx, at.commit);
    if (unmerged) return unmerged;
    const values = Object.fromEntries(Object.entries(a.values).filter(([n]) => !a.secrets.has(n)));
    return await writeRequest({ ctx, prepared: a.prepared, at, values, secrets: a.secrets, expiresMs: DEFAULT_EXPIRY_MS, keyFlag: undefined, home: env.HOME });
  } catch (e) {
    if (e instanceof RunbookError) return e.message;
    throw e;
  }
}

/** The defaults of params nobody gave: what the run will use for them, compared with the plan too. */
function onlyDefaults(declared: Readonly<Record<string, Param>>, given: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(declared).flatMap(([n, p]) => (!Object.hasOwn(given, n) && p.default !== undefined && p.secret !== true ? [[n, p.default]] : [])));
}

function planRefusal(id: string, problems: readonly string[], where?: string): RunRefusedError {
  return new RunRefusedError(`${where ? `${where}: ` : ""}plan ${id} does not allow this run (${problems.length} problem${problems.length === 1 ? "" : "s"}, listed above); ${where ? "nothing of the step ran" : "nothing ran"}`, {
    details: problems.map((p) => `  ${printableLine(p)}\n`).join(""),
    hint: "Request a new plan for what you mean to run: runbook request <file> -p …",
  });
}

function whenText(spec: ApprovalsSpec | undefined): string {
  const when = Object.entries(spec?.when ?? {});
  return when.length ? `when ${when.map(([n, v]) => `${n} is ${Array.isArray(v) ? v.join(" or ") : v}`).join(" and ")}` : "for every run";
}

const shellWord = (v: string) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
