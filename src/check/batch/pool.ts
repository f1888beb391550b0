import { Worker } from "node:worker_threads";
import type { HistoryAnswers, Job, JobSettings, Outcome } from "./protocol.js";

export type Question =
  | { readonly kind: "plan"; readonly absolute: string; readonly commit: string; readonly withBase: boolean }
  | { readonly kind: "blobs"; readonly rel: string; readonly commits: readonly string[] }
  | { readonly kind: "early"; readonly absolute: string; readonly commit: string };
export type ToWorker = { t: "job"; id: number; job: Job } | { t: "answer"; id: number; value: unknown };
export type ToMain = { t: "done"; id: number; outcome: Outcome } | { t: "failed"; id: number; error: string } | { t: "ask"; id: number; question: Question };

/** Jobs a worker holds at once: enough that it never idles while the next text crosses over. */
const DEPTH = 8;

interface Slot {
  readonly worker: Worker;
  busy: number;
}
interface Pending {
  readonly job: Job;
  readonly resolve: (o: Outcome) => void;
  readonly reject: (e: Error) => void;
}

/**
 * Worker threads that run jobs (`worker.ts`), each fed a few at a time, the least busy first; when
 * `here` is given, this thread takes jobs from the same queue too, one per turn of the event loop so
 * that the workers' messages and the file reads go on in between. Git stays on this thread: a job
 * that needs history asks, and the answer is posted back.
 */
export class WorkerPool {
  readonly #slots: Slot[];
  readonly #queue: Pending[] = [];
  readonly #running = new Map<number, Pending & { readonly slot: Slot }>();
  readonly #here: ((job: Job) => Promise<Outcome>) | undefined;
  #hereBusy = 0;
  /** Workers' questions not yet answered: while there are, this thread answers them rather than parse. */
  #asking = 0;
  #hereNext = false;
  #nextId = 0;
  #failure: Error | undefined;

  constructor(size: number, settings: JobSettings, answers: HistoryAnswers, url: URL, here?: (job: Job) => Promise<Outcome>) {
    this.#here = here;
    this.#slots = Array.from({ length: size }, () => this.#start(url, settings, answers));
  }

  run(job: Job): Promise<Outcome> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#queue.push({ job, resolve, reject });
      this.#pump();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  #start(url: URL, settings: JobSettings, answers: HistoryAnswers): Slot {
    // A smaller young generation than the default: a worker holds a file at a time, and two full-size
    // heaps are most of the memory of a lint of ten thousand files.
    const worker = new Worker(url, { workerData: settings, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
    const slot: Slot = { worker, busy: 0 };
    worker.on("message", (m: ToMain) => {
      if (m.t === "ask") {
        const q = m.question;
        const answer = q.kind === "plan" ? answers.plan(q.absolute, q.commit, q.withBase) : q.kind === "early" ? answers.early(q.absolute, q.commit) : answers.blobs(q.rel, q.commits);
        this.#asking++;
        answer
          .then(
            (value) => worker.postMessage({ t: "answer", id: m.id, value } satisfies ToWorker),
            (error: unknown) => this.#fail(error instanceof Error ? error : new Error(String(error))),
          )
          .finally(() => {
            this.#asking--;
            this.#pump();
          });
        return;
      }
      const done = this.#running.get(m.id);
      if (!done) return;
      this.#running.delete(m.id);
      slot.busy--;
      if (m.t === "done") done.resolve(m.outcome);
      else done.reject(new Error(m.error));
      this.#pump();
    });
    worker.on("error", (error) => this.#fail(error));
    worker.on("exit", (code) => {
      if (this.#running.size || this.#queue.length) this.#fail(new Error(`a lint worker thread stopped (exit code ${code})`));
    });
    return slot;
  }

  #pump(): void {
    while (this.#queue.length && this.#slots.length) {
      const slot = this.#slots.reduce((a, b) => (b.busy < a.busy ? b : a));
      if (slot.busy >= DEPTH) break;
      const next = this.#queue.shift()!;
      const id = this.#nextId++;
      this.#running.set(id, { ...next, slot });
      slot.busy++;
      slot.worker.postMessage({ t: "job", id, job: next.job } satisfies ToWorker);
    }
    if (this.#queue.length && this.#here && !this.#hereNext && this.#hereBusy < DEPTH && this.#asking === 0) {
      this.#hereNext = true;
      setImmediate(() => this.#runHere(this.#here!));
    }
  }

  #runHere(here: (job: Job) => Promise<Outcome>): void {
    this.#hereNext = false;
    const next = this.#queue.shift();
    if (!next || this.#failure) return;
    this.#hereBusy++;
    here(next.job)
      .then(next.resolve, next.reject)
      .finally(() => {
        this.#hereBusy--;
        this.#pump();
      });
    this.#pump();
  }

  /** A worker that crashed is a bug: every job still waiting fails with it. */
  #fail(error: Error): void {
    this.#failure ??= error;
    for (const p of [...this.#running.values(), ...this.#queue.splice(0)]) p.reject(this.#failure);
    this.#running.clear();
  }
}
