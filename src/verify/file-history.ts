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
  const blobs = await repo.show(candidates.flatMap((c) => c.versions.map((i) => ({ commit: repo.commits[i]!.hash, file: c.rel }))));
  for (const c of candidates) {
    const fingerprintAt = (i: number) => {
      const text = blobs.get(`${repo.commits[i]!.hash}:${c.rel}`);
      return text === undefined ? undefined : stepsFingerprint(buildRunbook(c.rel, text));
    };
    const base = fingerprintAt(c.versions[0]!);
    let changed: FileHistory["stepsChangedSince"];
    for (const i of c.versions.slice(1)) {
      if (fingerprintAt(i) !== base) {
        const commit = repo.commits[i]!;
        changed = { commit: commit.hash, date: commit.date, subject: commit.subject };
        break;
      }
    }
    if (!changed && base !== undefined && stepsFingerprint(c.runbook) !== base) changed = { commit: "working tree", date: "", subject: "uncommitted changes" };
    out.set(c.file, { stepsChangedSince: changed });
  }
  return out;
}
