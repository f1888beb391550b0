import { parentPort, workerData } from "node:worker_threads";
import type { HistoryPlan } from "../file-history.js";
import { runJob } from "./jobs.js";
import type { HistoryAnswers, JobSettings } from "./protocol.js";
import type { ToMain, ToWorker } from "./pool.js";

// A worker thread of the pool: runs jobs as they come, several at once when some wait on git.
const port = parentPort!;
const settings = workerData as JobSettings;
const waiting = new Map<number, (value: unknown) => void>();
let nextQuestion = 0;

function ask<T>(question: Extract<ToMain, { t: "ask" }>["question"]): Promise<T> {
  return new Promise((resolve) => {
    const id = nextQuestion++;
    waiting.set(id, resolve as (value: unknown) => void);
    port.postMessage({ t: "ask", id, question } satisfies ToMain);
  });
}

const answers: HistoryAnswers = {
  plan: (absolute, commit, withBase) => ask<HistoryPlan>({ kind: "plan", absolute, commit, withBase: withBase === true }),
  blobs: (rel, commits) => ask<Array<string | undefined>>({ kind: "blobs", rel, commits }),
  early: (absolute, commit) => ask<{ rel: string; text: string | undefined } | undefined>({ kind: "early", absolute, commit }),
};

port.on("message", (m: ToWorker) => {
  if (m.t === "answer") {
    waiting.get(m.id)?.(m.value);
    waiting.delete(m.id);
    return;
  }
  runJob(m.job, settings, answers).then(
    (outcome) => port.postMessage({ t: "done", id: m.id, outcome } satisfies ToMain),
    (error: unknown) => port.postMessage({ t: "failed", id: m.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies ToMain),
  );
});
