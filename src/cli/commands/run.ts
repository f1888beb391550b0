import { EXIT, UsageError } from "../../core/errors.js";
import type { Plan } from "../../run/plan.js";
import { startRun } from "../../run/session.js";
import { dryRunParams, dryRunText } from "../dry-run.js";
import { didYouMean } from "../../model/suggest.js";
import { printableLine } from "../../core/printable.js";
import { approvalGate, stepApproval } from "../approvals.js";
import { approvalNeed } from "../../run/approval-plan.js";
import type { Io } from "../io.js";
import { metadataWarnings } from "../metadata-errors.js";
import { sessionSetup, type SessionFlags, type SessionSetup } from "../session-setup.js";

export interface RunFlags extends SessionFlags {
  dryRun?: boolean;
  record?: boolean;
  commit?: boolean;
  from?: string;
  only?: string;
  /** `--plan <plan-id>`: the approved plan this run is (docs/approvals.md). */
  plan?: string;
  /** `--break-glass "reason"`: run without the approval the runbook asks for. */
  breakGlass?: string;
  /** `--wait-approval`: wait at a step of `approvals.steps` for an approved plan, without a terminal too. */
  waitApproval?: boolean;
}

export default async function run(io: Io, file: string, flags: RunFlags): Promise<number> {
  if (flags.commit && !flags.record) throw new UsageError("--commit goes with --record");
  if (flags.from !== undefined && flags.only !== undefined) throw new UsageError("choose one of --from and --only");
  if (flags.plan !== undefined && flags.breakGlass !== undefined) throw new UsageError("choose one of --plan and --break-glass");
  if (flags.breakGlass !== undefined && flags.breakGlass.trim() === "") throw new UsageError('--break-glass needs a reason: it is journaled and shown on every report', { hint: 'runbook run <file> --break-glass "primary down, approver unreachable (INC-123)"' });
  // An approved plan is the whole run: running part of it is another plan.
  if (flags.plan !== undefined && (flags.from !== undefined || flags.only !== undefined || flags.record)) throw new UsageError("--plan runs the plan as approved: it does not go with --from, --only or --record");
  // The runbook's own `parallel:` is in the bytes approved; a flag that changes it is not.
  if (flags.plan !== undefined && flags.parallel !== undefined) throw new UsageError("--plan runs the plan as approved: it does not go with --parallel (the runbook's own parallel: is part of what was approved)");
  const s = await sessionSetup(io, flags);
  if (flags.dryRun) return dryRun(io, s, file, flags);
  const prepared = await s.prepare(file);
  const { plan } = prepared;
  const from = flags.from === undefined ? undefined : knownStep(plan, flags.from, "--from");
  const only = flags.only === undefined ? undefined : flags.only.split(",").map((id) => knownStep(plan, id.trim(), "--only"));
  s.checkRequires(plan);
  if (flags.record && flags.commit) await s.world.git.assertCommittable(prepared.file);
  const approval = await approvalGate({ loaded: s.loaded, share: s.share, stateDir: s.stateDir, prepared, fileArg: file, given: s.given, givenBy: s.givenBy, plan: flags.plan, breakGlass: flags.breakGlass !== undefined, operator: s.world.operator });
  const breakGlass = flags.breakGlass === undefined ? undefined : { reason: flags.breakGlass.trim(), needed: approval.needed };
  if (breakGlass) s.world.notice(`${s.interactive ? "\u001b[31m" : ""}BREAK GLASS: running without approval: ${printableLine(breakGlass.reason)} (journaled, and shown on every report)${s.interactive ? "\u001b[39m" : ""}`);
  const steps = stepApproval({ loaded: s.loaded, share: s.share, stateDir: s.stateDir, cwd: io.cwd, env: io.env, plan: flags.plan, wait: flags.waitApproval === true || s.interactive, operator: s.world.operator, fileArg: file });
  return startRun({ prepared, given: approval.given, givenBy: s.givenBy, ...(approval.gate ? { approval: approval.gate, stepApproval: steps } : {}), ...(breakGlass ? { breakGlass } : {}), policy: s.policy, interactive: s.interactive, force: flags.force === true, record: flags.record === true, commit: flags.commit === true, from, only }, s.world);
}

/**
 * `--dry-run`: the plan, told truthfully. Errors come first (on stderr): errors about metadata only
 * as warnings (the plan is still right; `run` refuses them), then every wrong param, which makes the
 * exit code 2 and the plan's first line say it would not run as given. A param with no value says
 * how it would get one; a secret is never shown, and `***` only stands for one that was given.
 */
async function dryRun(io: Io, s: SessionSetup, file: string, flags: RunFlags): Promise<number> {
  const { prepared, metadataErrors } = await s.preview(file);
  const { plan, runbook } = prepared;
  const from = flags.from === undefined ? undefined : knownStep(plan, flags.from, "--from");
  const only = flags.only === undefined ? undefined : flags.only.split(",").map((id) => knownStep(plan, id.trim(), "--only"));
  const { r, shown, problems } = dryRunParams(prepared, s.given, { from, only, interactive: s.interactive });
  io.stderr.write(metadataWarnings(io, file, metadataErrors, "plan"));
  // The dry run an approver reads: say when `run` would need an approved plan for these values.
  const approvals = runbook.meta?.approvals;
  if (flags.plan === undefined && flags.breakGlass === undefined && approvalNeed(approvals, r.values) === "needed")
    io.stderr.write(
      approvals?.steps
        ? `runbook: \`runbook run\` starts, and stops before ${approvals.steps.join(", ")} for an approved plan for these values (docs/approvals.md): runbook request ${file} …, then run or resume --plan <plan-id>\n`
        : `runbook: \`runbook run\` needs an approved plan for these values (docs/approvals.md): runbook request ${file} …, then run --plan <plan-id>\n`,
    );
  if (problems.length) {
    const n = problems.length === 1 ? "1 param is wrong" : `${problems.length} params are wrong`;
    io.stderr.write(`runbook: ${n}; \`runbook run\` would refuse to start with ${problems.length === 1 ? "it" : "them"}:\n${problems.map((p) => `  ${p}\n`).join("")}\n`);
  }
  if (flags.format === "json") {
    const params = Object.fromEntries(shown.map((p) => [p.name, p.value ?? null]));
    const notGiven = shown.filter((p) => p.value === undefined).map((p) => p.name);
    const problems = r.problems.map((p) => ({ name: p.name, message: p.message }));
    io.stdout.write(`${JSON.stringify({ ...plan, params, ...(notGiven.length ? { notGiven } : {}), ...(problems.length ? { paramProblems: problems } : {}), ...(from ? { from } : {}), ...(only ? { only } : {}) }, null, 2)}\n`);
  } else io.stdout.write(dryRunText(plan, shown, { from, only, interactive: s.interactive, wrongParams: problems.length }));
  return problems.length ? EXIT.usage : EXIT.ok;
}

function knownStep(plan: Plan, id: string, flag: string): string {
  const ids = plan.steps.map((s) => s.id);
  if (!ids.includes(id)) throw new UsageError(`${flag}: no step \`${id}\`${didYouMean(id, ids)}`, { hint: `Steps, in order: ${ids.join(", ")}` });
  return id;
}
