import { existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import type { HistoryAnswers, Job, JobSettings, Outcome } from "./protocol.js";
import type { WorkerPool } from "./pool.js";

/**
 * Files to lint before a pool of worker threads pays for itself: each thread loads the parser and
 * the rules once (a few hundred milliseconds of CPU), which is what this many files cost in-process.
 */
export const POOL_FROM = 32;

export interface Executor {
  run(job: Job): Promise<Outcome>;
  /** Worker threads started so far. */
  readonly threads: number;
  close(): Promise<void>;
}

/**
 * Where jobs run. Unset `RUNBOOK_WORKERS`: with a single core, or for fewer than POOL_FROM files,
 * on this thread; otherwise this thread and one worker thread per other core take jobs from one
 * queue (two isolates on two cores, not three: each costs its parser's memory and warm-up). When
 * the cache was expected to answer but does not, jobs start here and move to the pool after
 * POOL_FROM. `RUNBOOK_WORKERS=0` keeps every job here; `=N` starts N worker threads from the
 * first job, whatever the count (the tests use it to compare the two paths).
 */
export function createExecutor(opts: { settings: JobSettings; answers: HistoryAnswers; expected: number; env: Readonly<Record<string, string | undefined>> }): Executor {
  const url = new URL("./worker.js", import.meta.url);
  const configured = /^\d+$/.test(opts.env.RUNBOOK_WORKERS ?? "") ? Number(opts.env.RUNBOOK_WORKERS) : undefined;
  const workers = configured ?? os.availableParallelism() - 1;
  // Run from TypeScript sources (tests in-process) there is no compiled worker to start.
  const usePool = workers > 0 && existsSync(fileURLToPath(url));
  let pool: Promise<WorkerPool> | undefined;
  let here: Promise<typeof import("./jobs.js")> | undefined;
  let ranHere = 0;

  const runHere = async (job: Job) => (await (here ??= import("./jobs.js"))).runJob(job, opts.settings, opts.answers);
  let threads = 0;
  const startPool = () =>
    (pool ??= import("./pool.js").then(({ WorkerPool }) => {
      threads = workers;
      return new WorkerPool(workers, opts.settings, opts.answers, url, runHere);
    }));
  if (usePool && (configured !== undefined || opts.expected >= POOL_FROM)) void startPool();

  return {
    async run(job) {
      if (pool || (usePool && ranHere >= POOL_FROM)) return (await startPool()).run(job);
      ranHere++;
      return runHere(job);
    },
    get threads() {
      return threads;
    },
    async close() {
      if (pool) await (await pool).close();
    },
  };
}
