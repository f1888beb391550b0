import { InputError } from "../core/errors.js";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { repoAt } from "../system/git.js";
import { verifierName } from "../run/identity.js";
import { setFrontmatterFields } from "./frontmatter-edit.js";

export interface Verification {
  readonly date: string;
  readonly by: string;
  readonly commit: string | undefined;
}

export class VerifyError extends InputError {
  override name = "VerifyError";
}

/** Who verifies by default, for `verify` and `run --record` alike: git's user.name, else the operator. */
export async function defaultVerifier(file: string, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  let name: string | undefined;
  try {
    name = (await repoAt(path.dirname(file)).getConfig("user.name")).value ?? undefined;
  } catch {
    // not a repository, or no git
  }
  return verifierName(name, env);
}

/** The last commit that touched the file: the version that was verified. Undefined when untracked or outside git. */
async function lastCommitOf(file: string): Promise<string | undefined> {
  try {
    const git = repoAt(path.dirname(file));
    if (!(await git.checkIsRepo())) return undefined;
    const hash = (await git.raw(["log", "-1", "--format=%H", "--", path.basename(file)])).trim();
    return hash || undefined;
  } catch {
    return undefined;
  }
}

/** Refuses `--commit` when the file has changes other than the ones verification makes. */
export async function assertCommittable(file: string): Promise<void> {
  const git = repoAt(path.dirname(file));
  if (!(await git.checkIsRepo().catch(() => false))) throw new VerifyError("--commit needs a git repository");
  const status = await git.status([path.basename(file)]);
  if (!status.isClean()) throw new VerifyError(`${path.basename(file)} has uncommitted changes; commit or stash them first, so the verification commit holds only the verification`);
}

/**
 * Records a verification in the runbook's frontmatter: `last_verified`, `verified_by` and
 * `verified_commit`, and nothing else in the file changes. With `commit`, commits just that file.
 */
export async function recordVerification(file: string, v: { date: string; by: string }, commit: boolean): Promise<Verification & { committed: string | undefined }> {
  if (commit) await assertCommittable(file);
  const verifiedCommit = await lastCommitOf(file);
  const text = await readFile(file, "utf8");
  const fields: Array<[string[], string]> = [
    [["last_verified", "last_reviewed_on"], v.date],
    [["verified_by"], v.by],
  ];
  if (verifiedCommit) fields.push([["verified_commit"], verifiedCommit]);
  await writeFile(file, setFrontmatterFields(text, fields));
  let committed: string | undefined;
  if (commit) {
    const git = repoAt(path.dirname(file));
    const result = await git.commit(`Verify ${path.basename(file)}: ${v.date} by ${v.by}`, [path.basename(file)]);
    committed = result.commit || undefined;
  }
  return { date: v.date, by: v.by, commit: verifiedCommit, committed };
}
