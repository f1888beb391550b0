import { openRepoHistory, type RepoHistory } from "../../system/git-history.js";
import { planHistory } from "../file-history.js";
import type { HistoryAnswers } from "./protocol.js";

/**
 * Git, on the thread that owns it: the history of the repository holding `cwd` is read once, at
 * the first question (or at `repo()`), for the files of this run; old versions go through one
 * `git cat-file --batch`. `close` ends that process.
 */
export function historyAnswers(cwd: string, absoluteFiles: readonly string[]): HistoryAnswers & { repo(): Promise<RepoHistory | undefined>; close(): void } {
  let opened: ReturnType<typeof openRepoHistory> | undefined;
  const open = () => (opened ??= openRepoHistory(cwd, absoluteFiles));
  const read = () => open().history;
  return {
    repo: read,
    early: (absolute, commit) => open().early(absolute, commit),
    plan: async (absolute, commit, withBase) => {
      const r = await read();
      const plan = planHistory(r, absolute, commit);
      return r && withBase && plan.kind === "known" ? { ...plan, baseText: { text: await r.show(plan.base, plan.rel) } } : plan;
    },
    blobs: async (rel, commits) => {
      const r = await read();
      return r ? Promise.all(commits.map((c) => r.show(c, rel))) : commits.map(() => undefined);
    },
    close: () => void opened?.history.then((r) => r?.close()),
  };
}
