import { EXIT, UsageError } from "../../core/errors.js";
import { resolveParams } from "../../run/param-values.js";
import type { Plan } from "../../run/plan.js";
import { describePlan, paramsShown } from "../../report/describe-plan.js";
import { runsStep } from "../../run/next.js";
import { startRun } from "../../run/session.js";
import { missingCapturesError, skippedCaptures, splitGiven } from "../../run/skipped-captures.js";
import { didYouMean } from "../../model/suggest.js";
import type { Io } from "../io.js";
import { metadataWarnings } from "../metadata-errors.js";
import { sessionSetup, type SessionFlags, type SessionSetup } from "../session-setup.js";

export interface RunFlags extends SessionFlags {
  dryRun?: boolean;
  record?: boolean;
  commit?: boolean;
  from?: string;
  only?: string;
}

export default async function run(io: Io, file: string, flags: RunFlags): Promise<number> {
  if (flags.commit && !flags.record) throw new UsageError("--commit goes with --record");
  if (flags.from !== undefined && flags.only !== undefined) throw new UsageError("choose one of --from and --only");
  const s = await sessionSetup(io, flags);
  if (flags.dryRun) return dryRun(io, s, file, flags);
  const prepared = await s.prepare(file);
  const { plan } = prepared;
  const from = flags.from === undefined ? undefined : knownStep(plan, flags.from, "--from");
  const only = flags.only === undefined ? undefined : flags.only.split(",").map((id) => knownStep(plan, id.trim(), "--only"));
  s.checkRequires(plan);
  if (flags.record && flags.commit) await s.world.git.assertCommittable(prepared.file);
  return startRun({ prepared, given: s.given, givenBy: s.givenBy, policy: s.policy, interactive: s.interactive, force: flags.force === true, record: flags.record === true, commit: flags.commit === true, from, only }, s.world);
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
  const declared = runbook.meta?.params ?? {};
  // Values given for what skipped steps would have captured are not params (docs/format.md, Partial runs).
  const secretParams = new Set(Object.entries(declared).filter(([, d]) => d.secret === true).map(([n]) => n));
  const skipped = skippedCaptures(plan, (id) => runsStep({ from, only }, plan, id), secretParams);
  const { params: given, captures } = splitGiven(s.given, skipped);
  const r = resolveParams(declared, given);
  const shown = paramsShown(declared, given, r);
  io.stderr.write(metadataWarnings(io, file, metadataErrors, "plan"));
  const missing = s.interactive ? undefined : missingCapturesError(skipped, captures);
  const problems = [...r.problems.map((p) => p.message), ...(missing ? [`${missing.message}; ${missing.hint ?? ""}`] : [])];
  if (problems.length) {
    const n = problems.length === 1 ? "1 param is wrong" : `${problems.length} params are wrong`;
    io.stderr.write(`runbook: ${n}; \`runbook run\` would refuse to start with ${problems.length === 1 ? "it" : "them"}:\n${problems.map((p) => `  ${p}\n`).join("")}\n`);
  }
  if (flags.format === "json") {
    const params = Object.fromEntries(shown.map((p) => [p.name, p.value ?? null]));
    const notGiven = shown.filter((p) => p.value === undefined).map((p) => p.name);
    const problems = r.problems.map((p) => ({ name: p.name, message: p.message }));
    io.stdout.write(`${JSON.stringify({ ...plan, params, ...(notGiven.length ? { notGiven } : {}), ...(problems.length ? { paramProblems: problems } : {}), ...(from ? { from } : {}), ...(only ? { only } : {}) }, null, 2)}\n`);
  } else io.stdout.write(describePlan(plan, shown, { from, only, interactive: s.interactive, wrongParams: problems.length }));
  return problems.length ? EXIT.usage : EXIT.ok;
}

function knownStep(plan: Plan, id: string, flag: string): string {
  const ids = plan.steps.map((s) => s.id);
  if (!ids.includes(id)) throw new UsageError(`${flag}: no step \`${id}\`${didYouMean(id, ids)}`, { hint: `Steps, in order: ${ids.join(", ")}` });
  return id;
}
