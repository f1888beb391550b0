import type { RepoHistory } from "../git/history.js";
import type { FileHistory } from "../lint/define-rule.js";
import { buildRunbook } from "../model/build-runbook.js";
import type { Runbook } from "../model/types.js";
import { stepsFingerprint } from "./fingerprint.js";

/**
 * For each runbook with a `verified_commit`: did a later commit (or the working tree) change its
 * steps? Only files touched after their verified commit are fetched, all in one batch.
 */
export async function stepsHistory(repo: RepoHistory, runbooks: ReadonlyArray<{ runbook: Runbook; absoluteFile: string }>): Promise<Map<string, FileHistory>> {
  const out = new Map<string, FileHistory>();
  const candidates: Array<{ file: string; rel: string; runbook: Runbook; versions: number[] }> = [];
  for (const { runbook, absoluteFile } of runbooks) {
    const data = runbook.frontmatter?.data as Record<string, unknown> | undefined;
    const verified = typeof data?.verified_commit === "string" ? data.verified_commit : undefined;
    if (!verified) continue;
    const at = repo.resolve(verified);
    if (at === undefined) {
      out.set(runbook.file, { stepsChangedSince: undefined, unknownCommit: true });
      continue;
    }
    const rel = repo.relative(absoluteFile);
    // Commits newer than the verified one are earlier in the newest-first log.
    const later = (repo.touched.get(rel) ?? []).filter((i) => i < at);
    candidates.push({ file: runbook.file, rel, runbook, versions: [at, ...later.reverse()] });
  }
  // What runs now is what matters: when the working copy's steps match the verified version's,
  // the runbook is fresh whatever happened in between, and only one old version is parsed.
  const fingerprintOf = (blobs: Map<string, string | undefined>, c: (typeof candidates)[number], i: number) => {
    const text = blobs.get(`${repo.commits[i]!.hash}:${c.rel}`);
    return text === undefined ? undefined : stepsFingerprint(buildRunbook(c.rel, text));
  };
  const bases = await repo.show(candidates.map((c) => ({ commit: repo.commits[c.versions[0]!]!.hash, file: c.rel })));
  const moved: Array<(typeof candidates)[number] & { base: string | undefined }> = [];
  for (const c of candidates) {
    // Fast path: the same body (only the frontmatter differs, as after `runbook verify`) needs no parse.
    const baseText = bases.get(`${repo.commits[c.versions[0]!]!.hash}:${c.rel}`);
    if (baseText !== undefined && bodyOf(baseText) === bodyOf(c.runbook.text)) {
      out.set(c.file, { stepsChangedSince: undefined });
      continue;
    }
    const base = fingerprintOf(bases, c, c.versions[0]!);
    if (base !== undefined && base === stepsFingerprint(c.runbook)) out.set(c.file, { stepsChangedSince: undefined });
    else moved.push({ ...c, base });
  }
  // For the rest, name the first later commit that changed the steps.
  const later = await repo.show(moved.flatMap((c) => c.versions.slice(1).map((i) => ({ commit: repo.commits[i]!.hash, file: c.rel }))));
  for (const c of moved) {
    let changed: FileHistory["stepsChangedSince"];
    for (const i of c.versions.slice(1)) {
      if (fingerprintOf(later, c, i) !== c.base) {
        const commit = repo.commits[i]!;
        changed = { commit: commit.hash, date: commit.date, subject: commit.subject };
        break;
      }
    }
    out.set(c.file, { stepsChangedSince: changed ?? { commit: "working tree", date: "", subject: "uncommitted changes" } });
  }
  return out;
}

/** The text after the frontmatter, line endings normalised. */
function bodyOf(text: string): string {
  const t = text.replace(/^\ufeff/, "").replace(/\r\n?/g, "\n");
  const m = /^---\n[\s\S]*?\n---(?:\n|$)/.exec(t);
  return m ? t.slice(m[0].length) : t;
}
