import path from "node:path";
import type { JobSettings, StaleOutcome } from "./batch/protocol.js";
import { staleFiles } from "./pipeline/run.js";
import { collectFiles } from "../system/collect.js";
import { readText } from "../system/read-runbook.js";
import type { RepoHistory } from "../system/git-history.js";
import { buildFrontmatter } from "../model/build-runbook.js";
import { textFingerprint } from "./fingerprint.js";

export interface Assessed {
  /** In file order. */
  readonly runbooks: ReadonlyArray<{ readonly file: string; readonly staleness: StaleOutcome }>;
  /** False outside a git repository: the check for steps changed since verification is skipped. */
  readonly gitChecked: boolean;
  /** With `changedSince`, in a git repository: the runbooks whose steps changed since then. */
  readonly changed: readonly StepsChange[];
}

/**
 * Reads the runbooks and judges each one's staleness: what `stale`, `verify` and `handoff` report,
 * through the check pipeline's staleness stages (pipeline/run.ts). The history is read once, for
 * these files only; the files are judged as a stream, on worker threads when there are many (`env`
 * holds `RUNBOOK_WORKERS`).
 */
export async function assessRunbooks(o: {
  cwd: string;
  paths: readonly string[];
  today: Date;
  reviewEvery: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  progress?: (total: number) => { tick(): void; done(): void };
  changedSince?: Date;
}): Promise<Assessed> {
  // Collected as given: `stale` reports in the order the paths were found, as it always has.
  const files = await collectFiles([...o.paths], o.cwd);
  const settings: JobSettings = { severities: {}, defaultReviewEvery: o.reviewEvery, today: o.today.toISOString().slice(0, 10), path: o.env.PATH };
  const runbooks: Array<{ file: string; staleness: StaleOutcome }> = [];
  const bar = o.progress?.(files.length);
  let changed: StepsChange[] = [];
  const { gitChecked } = await staleFiles({
    cwd: o.cwd,
    files,
    settings,
    env: o.env,
    ...(bar ? { tick: () => bar.tick() } : {}),
    emit: (file, staleness) => void runbooks.push({ file, staleness }),
    after: async (repo) => {
      bar?.done();
      if (repo && o.changedSince) changed = await stepsChangedSince(repo, files.map((file) => ({ file, absolute: path.resolve(o.cwd, file) })), o.cwd, o.changedSince);
    },
  });
  return { runbooks, gitChecked, changed };
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
 * Only files a commit in the window touched are read.
 */
async function stepsChangedSince(repo: RepoHistory, files: ReadonlyArray<{ file: string; absolute: string }>, cwd: string, since: Date): Promise<StepsChange[]> {
  const after = (date: string) => Date.parse(date) >= since.getTime();
  const candidates = files.flatMap(({ file, absolute }) => {
    const rel = repo.relative(absolute);
    const touched = repo.touched(rel);
    const inWindow = touched.filter((t) => after(t.commit.date));
    return inWindow.length ? [{ file, rel, inWindow, before: touched.find((t) => !after(t.commit.date)) }] : [];
  });
  // Asked for together: one round trip to `git cat-file` for all the old versions.
  const judged = await Promise.all(
    candidates.map(async (c): Promise<StepsChange | undefined> => {
      const [now, old] = await Promise.all([readText(c.file, cwd), c.before ? repo.show(c.before.commit.hash, c.rel) : undefined]);
      const runbook = buildFrontmatter(c.file, now);
      if (old !== undefined && textFingerprint(c.rel, old) === textFingerprint(c.file, runbook.text)) return undefined;
      return { file: c.file, id: runbook.meta?.id, commits: c.inWindow.map((t) => t.commit) };
    }),
  );
  return judged.filter((c) => c !== undefined);
}
