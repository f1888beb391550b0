import { createHash } from "node:crypto";
import type { Commit, RepoHistory } from "../system/git-history.js";
import type { FileHistory } from "./define-rule.js";
import type { Runbook } from "../model/types.js";
import { textFingerprint } from "./fingerprint.js";

/**
 * What git says about one runbook's `verified_commit`, before any old version is read: the commit,
 * and the later commits that touched the file, oldest first. `digest` names all of that, so a cached
 * result that depended on it can be checked without reading a version again.
 */
export type HistoryPlan =
  | { readonly kind: "no-repo"; readonly digest: string }
  | { readonly kind: "unknown-commit"; readonly digest: string }
  /** Not in a shallow clone's history: maybe older than what was fetched, so nothing is known. */
  | { readonly kind: "beyond-shallow"; readonly digest: string }
  | {
      readonly kind: "known";
      readonly digest: string;
      readonly rel: string;
      readonly base: string;
      readonly later: readonly Commit[];
      /** The file at the verified commit, when it was read with the plan (to save asking twice). */
      readonly baseText?: { readonly text: string | undefined };
    };

/** The `verified_commit` a runbook records, if any. */
export function verifiedCommitOf(runbook: Pick<Runbook, "frontmatter">): string | undefined {
  const data = runbook.frontmatter?.data as Record<string, unknown> | undefined;
  return typeof data?.verified_commit === "string" && data.verified_commit !== "" ? data.verified_commit : undefined;
}

/** Pure given the history read once for the repository. */
export function planHistory(repo: RepoHistory | undefined, absoluteFile: string, verifiedCommit: string): HistoryPlan {
  if (!repo) return { kind: "no-repo", digest: "no-repo" };
  const at = repo.resolve(verifiedCommit);
  // A commit that is not there yet may come with the next fetch: the newest commit is part of the answer.
  if (at === undefined) return repo.shallow ? { kind: "beyond-shallow", digest: `shallow ${verifiedCommit} ${repo.head ?? ""}` } : { kind: "unknown-commit", digest: `unknown ${verifiedCommit} ${repo.head ?? ""}` };
  const rel = repo.relative(absoluteFile);
  // Commits newer than the verified one come earlier in the newest-first log.
  const later = repo.touched(rel).filter((t) => t.index < at).reverse().map((t) => t.commit);
  const base = repo.hashAt(at);
  const digest = createHash("sha256").update([rel, base, ...later.map((c) => c.hash)].join("\n")).digest("hex").slice(0, 32);
  return { kind: "known", digest, rel, base, later };
}

/** The file as it is against a version of it: are its steps the same? Computed at most once per file. */
export interface BaseJudgement {
  /** The version, as read at `rel` and `commit`; undefined when the file was not there. */
  readonly rel: string;
  readonly commit: string;
  readonly text: string | undefined;
  readonly same: boolean;
  /** The version's steps' fingerprint, when it was needed to tell. */
  readonly fingerprint: string | undefined;
}

/**
 * Are the steps of the file as it is those of this version? The same body (only the frontmatter
 * differs, as after `runbook verify`) needs no parse; else the fingerprints tell. Pure.
 */
export function judgeBase(now: { readonly text: string; readonly fingerprint: () => string }, at: { rel: string; commit: string; text: string | undefined }): BaseJudgement {
  if (at.text === undefined) return { ...at, same: false, fingerprint: undefined };
  if (bodyOf(at.text) === bodyOf(now.text)) return { ...at, same: true, fingerprint: undefined };
  const fingerprint = textFingerprint(at.rel, at.text);
  return { ...at, same: fingerprint === now.fingerprint(), fingerprint };
}

/**
 * Did a commit after the verified one (or the working tree) change the runbook's steps? What runs
 * now is what matters: when the working copy's steps match the verified version's, the runbook is
 * fresh whatever happened in between. Old versions are asked for only as far as needed. `now` is
 * the file as it is: its text, and its steps' fingerprint (computed only if the body differs).
 * `early` is the verified version judged while the history was read (used when the plan names the
 * same commit and path).
 */
export async function fileHistory(now: { readonly text: string; readonly fingerprint: () => string }, plan: HistoryPlan, read: (rel: string, commits: readonly string[]) => Promise<ReadonlyArray<string | undefined>>, early?: BaseJudgement): Promise<FileHistory | undefined> {
  // In a shallow clone the command says so once (`stale`), rather than a finding per runbook.
  if (plan.kind === "no-repo" || plan.kind === "beyond-shallow") return undefined;
  if (plan.kind === "unknown-commit") return { stepsChangedSince: undefined, unknownCommit: true };
  const judged =
    early && early.rel === plan.rel && early.commit === plan.base
      ? early
      : judgeBase(now, { rel: plan.rel, commit: plan.base, text: plan.baseText ? plan.baseText.text : (await read(plan.rel, [plan.base]))[0] });
  if (judged.same) return { stepsChangedSince: undefined };
  const base = judged.fingerprint;
  const fingerprintOf = (text: string | undefined) => (text === undefined ? undefined : textFingerprint(plan.rel, text));
  // Name the first later commit that changed the steps, reading versions a few at a time.
  for (let from = 0; from < plan.later.length; from += 8) {
    const commits = plan.later.slice(from, from + 8);
    const texts = await read(plan.rel, commits.map((c) => c.hash));
    for (const [i, commit] of commits.entries()) {
      if (fingerprintOf(texts[i]) !== base) return { stepsChangedSince: { commit: commit.hash, date: commit.date, subject: commit.subject } };
    }
  }
  return { stepsChangedSince: { commit: "working tree", date: "", subject: "uncommitted changes" } };
}

/** The text after the frontmatter, line endings normalised. */
function bodyOf(text: string): string {
  const t = text.replace(/^\ufeff/, "").replace(/\r\n?/g, "\n");
  const m = /^---\n[\s\S]*?\n---(?:\n|$)/.exec(t);
  return m ? t.slice(m[0].length) : t;
}
