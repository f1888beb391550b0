import { createHash } from "node:crypto";
import path from "node:path";
import { readRepoHistory } from "../system/git-history.js";
import type { FileHistory } from "../check/define-rule.js";
import type { Runbook } from "../model/types.js";
import { fileHistory, planHistory, verifiedCommitOf } from "../check/file-history.js";
import { stepsFingerprint } from "../check/fingerprint.js";

/** How long an answer stands: a commit made meanwhile shows within this time. */
const FRESH_MS = 10_000;
const KEPT = 64;
const answers = new Map<string, { readonly at: number; readonly history: Promise<FileHistory | undefined> }>();

/**
 * For `stale-changed` in an editor: did the runbook's steps change after its `verified_commit`? Git
 * is asked as `runbook lint` asks it, for this one file, and the answer is kept for ten seconds per
 * file, commit and text, so typing does not start a git process per keystroke. Undefined when the
 * runbook records no commit or the file is in no repository (the rule then says nothing).
 */
export function verifiedHistory(absoluteFile: string, runbook: Runbook, now = Date.now()): Promise<FileHistory | undefined> | undefined {
  const commit = verifiedCommitOf(runbook);
  if (commit === undefined) return undefined;
  const key = [absoluteFile, commit, createHash("sha256").update(runbook.text).digest("hex")].join("\0");
  const kept = answers.get(key);
  if (kept && now - kept.at < FRESH_MS) return kept.history;
  const history = ask(absoluteFile, runbook, commit);
  answers.delete(key);
  answers.set(key, { at: now, history });
  // The oldest answers go first.
  for (const old of answers.keys()) {
    if (answers.size <= KEPT) break;
    answers.delete(old);
  }
  return history;
}

async function ask(absoluteFile: string, runbook: Runbook, commit: string): Promise<FileHistory | undefined> {
  const repo = await readRepoHistory(path.dirname(absoluteFile), [absoluteFile]).catch(() => undefined);
  try {
    return await fileHistory({ text: runbook.text, fingerprint: () => stepsFingerprint(runbook) }, planHistory(repo, absoluteFile, commit), async (rel, commits) => (repo ? Promise.all(commits.map((c) => repo.show(c, rel))) : commits.map(() => undefined)));
  } catch {
    // Git failing here is not a finding: the CLI's `stale` says what git says.
    return undefined;
  } finally {
    repo?.close();
  }
}
