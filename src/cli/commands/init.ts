import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { EXIT, UsageError } from "../../core/errors.js";
import { cronProblem, DRILL_WORKFLOW_PATH, drillWorkflow } from "../../authoring/drill-workflow.js";
import { repoRootOf } from "../../system/repo-root.js";
import type { Io } from "../io.js";

/** `runbook init drills`: writes the scheduled drill workflow at the repository's root. */
export default async function init(io: Io, what: string, flags: { environment: string; cron: string; force?: boolean }): Promise<number> {
  if (what !== "drills") throw new UsageError(`init: nothing called \`${what}\``, { hint: "Choose: runbook init drills" });
  const cron = cronProblem(flags.cron);
  if (cron) throw new UsageError(`--cron ${flags.cron}: ${cron}`, { hint: "For example --cron \"23 6 * * 1-5\" (06:23 UTC on weekdays)." });
  if (!/^[\w.-]+$/.test(flags.environment)) throw new UsageError(`--environment ${flags.environment}: expected letters, digits, \`-\`, \`_\` or \`.\``);
  const root = repoRootOf(io.cwd) ?? io.cwd;
  const file = path.join(root, DRILL_WORKFLOW_PATH);
  await mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFile(file, drillWorkflow({ environment: flags.environment, cron: flags.cron.trim() }), { flag: flags.force ? "w" : "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw new UsageError(`${path.relative(io.cwd, file) || file} exists`, { hint: "Pass --force to overwrite it." });
    throw e;
  }
  io.stdout.write(`Wrote ${path.relative(io.cwd, file)}: drills run at \`${flags.cron.trim()}\` (UTC) in the \`${flags.environment}\` environment.\nNext: create that environment (Settings → Environments), add the secrets your drills list under drill.env, and add them to the drill step's env.\n`);
  return EXIT.ok;
}
