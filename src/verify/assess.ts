import path from "node:path";
import { collectFiles } from "../files/collect.js";
import { readRunbook } from "../files/read-runbook.js";
import { readRepoHistory, type RepoHistory } from "../git/history.js";
import { buildRunbook } from "../model/build-runbook.js";
import type { Runbook } from "../model/types.js";
import { stepsHistory } from "./file-history.js";
import { stepsFingerprint } from "./fingerprint.js";
import { assessStaleness, type Staleness } from "./staleness.js";

export interface Assessed {
  readonly runbooks: Array<{ runbook: Runbook; staleness: Staleness }>;
  /** Undefined outside a git repository: the check for steps changed since verification is skipped. */
  readonly repo: RepoHistory | undefined;
}

/** Reads the runbooks and judges each one's staleness: what `stale` and `handoff` both report. */
export async function assessRunbooks(o: { cwd: string; paths: readonly string[]; today: Date; reviewEvery: string | undefined; progress?: (total: number) => { tick(): void; done(): void } }): Promise<Assessed> {
  const files = await collectFiles([...o.paths], o.cwd);
  const runbooks: Runbook[] = [];
  const bar = o.progress?.(files.length);
  for (const f of files) {
    runbooks.push(await readRunbook(f, o.cwd));
    bar?.tick();
  }
  bar?.done();
  const repo = await readRepoHistory(o.cwd);
  const histories = repo ? await stepsHistory(repo, runbooks.map((r) => ({ runbook: r, absoluteFile: path.resolve(o.cwd, r.file) }))) : new Map();
  return { runbooks: runbooks.map((r) => ({ runbook: r, staleness: assessStaleness(r, { today: o.today, defaultReviewEvery: o.reviewEvery, history: histories.get(r.file) }) })), repo };
}

export interface StepsChange {
  readonly file: string;
  readonly id: string | undefined;
  /** Commits in the window that touched the file, newest first. */
  readonly commits: ReadonlyArray<{ readonly hash: string; readonly date: string; readonly subject: string }>;
}

/**
 * Runbooks whose steps (not only prose or frontmatter) differ now from what they were at `since`:
 * the version committed last before it against the file as it is. New files count as changed.
 */
export async function stepsChangedSince(repo: RepoHistory, runbooks: readonly Runbook[], cwd: string, since: Date): Promise<StepsChange[]> {
  const candidates = runbooks.flatMap((runbook) => {
    const rel = repo.relative(path.resolve(cwd, runbook.file));
    const touched = repo.touched.get(rel) ?? [];
    const inWindow = touched.filter((i) => Date.parse(repo.commits[i]!.date) >= since.getTime());
    if (inWindow.length === 0) return [];
    const before = touched.find((i) => Date.parse(repo.commits[i]!.date) < since.getTime());
    return [{ runbook, rel, inWindow, before }];
  });
  const old = await repo.show(candidates.flatMap((c) => (c.before === undefined ? [] : [{ commit: repo.commits[c.before]!.hash, file: c.rel }])));
  const out: StepsChange[] = [];
  for (const c of candidates) {
    const text = c.before === undefined ? undefined : old.get(`${repo.commits[c.before]!.hash}:${c.rel}`);
    if (text !== undefined && stepsFingerprint(buildRunbook(c.rel, text)) === stepsFingerprint(c.runbook)) continue;
    out.push({ file: c.runbook.file, id: c.runbook.meta?.id, commits: c.inWindow.map((i) => repo.commits[i]!) });
  }
  return out;
}
