import { EXIT, UsageError } from "../../errors.js";
import { resolveParams } from "../../engine/params.js";
import type { Plan } from "../../engine/plan.js";
import { describePlan } from "../../run/describe.js";
import { startRun } from "../../run/session.js";
import { didYouMean } from "../../schema/suggest.js";
import type { Io } from "../io.js";
import { sessionSetup, type SessionFlags } from "../session-setup.js";

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
  const prepared = await s.prepare(file);
  const { plan, runbook } = prepared;
  const from = flags.from === undefined ? undefined : knownStep(plan, flags.from, "--from");
  const only = flags.only === undefined ? undefined : flags.only.split(",").map((id) => knownStep(plan, id.trim(), "--only"));

  if (flags.dryRun) {
    // A dry run shows the plan before every param is known; a value that is wrong fails it.
    const r = resolveParams(runbook.meta?.params ?? {}, s.given);
    const shown = { ...r.values, ...Object.fromEntries(r.missing.map((n) => [n, "<required>"])) };
    if (flags.format === "json") {
      const params = Object.fromEntries(Object.entries(shown).map(([k, v]) => [k, r.secrets.has(k) && v !== "<required>" ? "***" : v]));
      io.stdout.write(`${JSON.stringify({ ...plan, params, ...(from ? { from } : {}), ...(only ? { only } : {}) }, null, 2)}\n`);
    } else io.stdout.write(describePlan(plan, shown, r.secrets, { from, only }));
    if (r.problems.length) throw new UsageError(r.problems.map((p) => p.message).join("\nrunbook: "));
    return EXIT.ok;
  }
  s.checkRequires(plan);
  if (flags.record && flags.commit) await s.world.git.assertCommittable(prepared.file);
  return startRun({ prepared, given: s.given, givenBy: s.givenBy, policy: s.policy, interactive: s.interactive, force: flags.force === true, record: flags.record === true, commit: flags.commit === true, from, only }, s.world);
}

function knownStep(plan: Plan, id: string, flag: string): string {
  const ids = plan.steps.map((s) => s.id);
  if (!ids.includes(id)) throw new UsageError(`${flag}: no step \`${id}\`${didYouMean(id, ids)}`, { hint: `Steps, in order: ${ids.join(", ")}` });
  return id;
}
