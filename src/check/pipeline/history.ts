import type { FileHistory } from "../define-rule.js";
import { fileHistory, judgeBase, verifiedCommitOf, type HistoryPlan } from "../file-history.js";
import type { HistoryAnswers } from "../batch/protocol.js";
import type { Runbook } from "../../model/types.js";

/** What git says about one runbook, asked for only when it records a `verified_commit`. */
export interface GitFacts {
  readonly verified: string | undefined;
  readonly plan: HistoryPlan | undefined;
  readonly history: FileHistory | undefined;
}

/**
 * The git facts a runbook's staleness rules need, asked of the thread that owns git (`answers`): the
 * rules themselves stay pure and are handed what this returns.
 */
export async function gitFacts(runbook: Pick<Runbook, "frontmatter" | "text">, absolute: string, answers: HistoryAnswers, fingerprint: () => string): Promise<GitFacts> {
  const verified = verifiedCommitOf(runbook);
  if (verified === undefined) return { verified, plan: undefined, history: undefined };
  const now = { text: runbook.text, fingerprint: once(fingerprint) };
  // A full hash: the verified version is read and judged while `git log` runs, not after it.
  const full = /^[0-9a-f]{40}$/.test(verified);
  const planned = answers.plan(absolute, verified, !full);
  const read = full ? await answers.early(absolute, verified) : undefined;
  const early = read && judgeBase(now, { ...read, commit: verified });
  const plan = await planned;
  const history = await fileHistory(now, plan, (rel, commits) => answers.blobs(rel, commits), early);
  return { verified, plan, history };
}

function once<T>(f: () => T): () => T {
  let got: { value: T } | undefined;
  return () => (got ??= { value: f() }).value;
}
