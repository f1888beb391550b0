import { closeSync, constants, openSync, readdirSync, writeSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../core/errors.js";
import { mkdirp } from "../system/mkdirp.js";
import { fsyncDir } from "../system/fsync-dir.js";
import { RUN_ID_PATTERN } from "../journal/run-id.js";

/**
 * Where a project's runs live: `<state>/runs/<run-id>.jsonl` and `<state>/locks/<runbook-id>.lock`.
 * `<state>` is `RUNBOOK_STATE_DIR`, else the config's `state_dir`, else `.runbook/` at the root.
 * It holds every line of output of every run, so it is private to its owner (0700, files 0600),
 * and it ignores itself in git.
 */
export function stateDirOf(env: Readonly<Record<string, string | undefined>>, root: string, configured: string | undefined, cwd: string): string {
  if (env.RUNBOOK_STATE_DIR) return path.resolve(cwd, env.RUNBOOK_STATE_DIR);
  return path.resolve(root, configured ?? ".runbook");
}

export const runsDir = (state: string) => path.join(state, "runs");
export const locksDir = (state: string) => path.join(state, "locks");

/** A run id names a file: anything else, such as a path that climbs out of the state folder, is refused. */
export function checkRunId(runId: string): string {
  if (!RUN_ID_PATTERN.test(runId)) throw new UsageError(`\`${runId}\` is not a run id (like 20261127T132236Z-postgres-failover-7612)`, { hint: "See `runbook runs` for the runs in this project." });
  return runId;
}

export function journalPath(state: string, runId: string): string {
  return path.join(runsDir(state), `${checkRunId(runId)}.jsonl`);
}

/** Run ids in the state folder, oldest first (ids sort by start time). */
export function listRunIds(state: string): string[] {
  try {
    return readdirSync(runsDir(state))
      .filter((f) => f.endsWith(".jsonl") && RUN_ID_PATTERN.test(f.slice(0, -".jsonl".length)))
      .map((f) => f.slice(0, -".jsonl".length))
      .sort();
  } catch {
    return [];
  }
}

/**
 * Makes a folder inside the state folder, and the state folder itself with a `.gitignore` of `*`
 * the first time, so its journals never show up in `git status`. Returns the folders it created.
 */
export function ensureStateSubdir(state: string, sub: string): string | undefined {
  const made = mkdirp(sub, 0o700);
  // Created now if the first folder made is the state folder or one above it.
  if (made !== undefined && !path.relative(made, state).startsWith("..")) writeGitignore(state);
  return made;
}

function writeGitignore(state: string): void {
  try {
    const fd = openSync(path.join(state, ".gitignore"), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    try {
      writeSync(fd, "# runbook's run journals and locks: local state, never committed\n*\n");
    } finally {
      closeSync(fd);
    }
  } catch {
    // Someone else wrote one first, or the folder is read-only: neither stops a run.
  }
}

/** `ensureStateSubdir`, and every folder that gained an entry made durable: a journal in a folder made just now must not vanish with it. */
export function makeStateSubdir(state: string, sub: string): void {
  const made = ensureStateSubdir(state, sub);
  if (made === undefined) return;
  // The parent of each folder made.
  for (let d = sub; ; d = path.dirname(d)) {
    fsyncDir(path.dirname(d));
    if (path.resolve(d) === path.resolve(made) || path.dirname(d) === d) break;
  }
}
