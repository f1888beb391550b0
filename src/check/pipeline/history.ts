import type { FileHistory } from "../define-rule.js";
import { fileHistory, verifiedCommitOf, type HistoryPlan } from "../file-history.js";
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
  const plan = verified === undefined ? undefined : await answers.plan(absolute, verified, true);
  const history = plan && (await fileHistory({ text: runbook.text, fingerprint }, plan, (rel, commits) => answers.blobs(rel, commits)));
  return { verified, plan, history };
}
