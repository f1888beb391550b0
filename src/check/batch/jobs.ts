import { stepsFingerprint, textFingerprint } from "../fingerprint.js";
import { buildFrontmatter } from "../../model/build-runbook.js";
import { gitFacts } from "../pipeline/history.js";
import { parseSource } from "../pipeline/parse.js";
import { lintOutcome, staleOutcome } from "../pipeline/rules.js";
import type { HistoryAnswers, Job, LintOutcome, JobSettings, StaleOutcome } from "./protocol.js";

/**
 * One file's parse and rules stages, the same in a worker thread and in-process: build the runbook,
 * ask for its git facts when it records a `verified_commit`, then lint it or judge its staleness.
 */
export async function runJob(job: Job, settings: JobSettings, answers: HistoryAnswers): Promise<LintOutcome | StaleOutcome> {
  if (job.kind === "stale") {
    // The staleness rules read only the frontmatter, and the steps' fingerprint is read without the
    // Markdown parser where it can be: `stale` parses no Markdown for most runbooks.
    const runbook = buildFrontmatter(job.file, job.text);
    const facts = await gitFacts(runbook, job.absolute, answers, () => textFingerprint(job.file, runbook.text));
    return staleOutcome(runbook, settings, facts);
  }
  const runbook = parseSource(job.file, job.text);
  const facts = await gitFacts(runbook, job.absolute, answers, () => stepsFingerprint(runbook));
  return lintOutcome(runbook, settings, facts);
}
