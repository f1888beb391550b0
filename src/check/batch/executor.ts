import { existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import type { HistoryAnswers, Job, JobSettings, Outcome } from "./protocol.js";
import type { WorkerPool } from "./pool.js";

/**
 * Text (in UTF-16 units) to parse on this thread before a worker thread pays for itself. A worker
 * costs about a second of CPU before it is fast (loading the parser, then V8 optimising it again in
 * that thread), what parsing a megabyte or so costs: below that, a second thread only adds work.
 */
export const POOL_AFTER = 1 << 20;

export interface Executor {
  run(job: Job): Promise<Outcome>;
  /** Worker threads started so far. */
  readonly threads: number;
  close(): Promise<void>;
}

/**
 * Where jobs run. Unset `RUNBOOK_WORKERS`: on this thread until POOL_AFTER of text has been
 * parsed here, then (with more than one core) this thread and one worker thread per other core take
 * jobs from one queue: two isolates on two cores, not three, as each costs its parser's memory and
 * warm-up. So one file, or a few, never start a thread. `RUNBOOK_WORKERS=0` keeps every job here;
 * `=N` starts N worker threads at the first job, whatever the size (the tests use it to compare).
 */
export function createExecutor(opts: { settings: JobSettings; answers: HistoryAnswers; env: Readonly<Record<string, string | undefined>> }): Executor {
  const url = new URL("./worker.js", import.meta.url);
  const configured = /^\d+$/.test(opts.env.RUNBOOK_WORKERS ?? "") ? Number(opts.env.RUNBOOK_WORKERS) : undefined;
  const workers = configured ?? os.availableParallelism() - 1;
  // Run from TypeScript sources (tests in-process) there is no compiled worker to start.
  const usePool = workers > 0 && existsSync(fileURLToPath(url));
  let pool: Promise<WorkerPool> | undefined;
  let here: Promise<typeof import("./jobs.js")> | undefined;
  let parsedHere = configured === undefined ? 0 : POOL_AFTER;
  let threads = 0;

  const runHere = async (job: Job) => (await (here ??= import("./jobs.js"))).runJob(job, opts.settings, opts.answers);
  const startPool = () =>
    (pool ??= import("./pool.js").then(({ WorkerPool }) => {
      threads = workers;
      return new WorkerPool(workers, opts.settings, opts.answers, url, runHere);
    }));

  return {
    async run(job) {
      if (usePool && parsedHere >= POOL_AFTER) return (await startPool()).run(job);
      parsedHere += job.text.length;
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
