import path from "node:path";
import { readRunbook } from "../../system/read-runbook.js";
import { defaultVerifier, recordVerification } from "../../authoring/record-verification.js";
import { isoDate, parseDateFlag } from "../dates.js";
import { EXIT, InputError } from "../../core/errors.js";
import type { Io } from "../io.js";

export default async function verify(io: Io, file: string, flags: { by?: string; date?: string; commit?: boolean }): Promise<number> {
  const runbook = await readRunbook(file, io.cwd);
  if (!runbook.frontmatter) throw new InputError(`${file} has no frontmatter to record a verification in`);
  const absolute = path.resolve(io.cwd, file);
  const date = isoDate(parseDateFlag(flags.date, "--date") ?? new Date());
  const by = flags.by ?? (await defaultVerifier(absolute, io.env));
  const v = await recordVerification(absolute, { date, by }, flags.commit === true);
  io.stdout.write(`Verified ${file}: last_verified ${v.date}, verified_by ${v.by}${v.commit ? `, verified_commit ${v.commit.slice(0, 12)}` : " (not in git: no verified_commit)"}${v.committed ? `; committed ${v.committed}` : ""}\n`);
  return EXIT.ok;
}
