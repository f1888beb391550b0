import { buildPlan } from "../../src/run/plan.js";
import type { BlockRun, BlockResult, ProcessRunner } from "../../src/system/process-runner.js";
import { JOURNAL_VERSION, type JournalEvent, type NewEvent } from "../../src/journal/events.js";
import type { ScanResult } from "../../src/journal/store.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { buildStepGraph } from "../../src/model/step-graph.js";
import { nobody, type Ask, type Operator } from "../../src/run/ask.js";
import type { ReviewParams } from "../../src/run/param-review.js";
import type { AskParam } from "../../src/run/params.js";
import type { Prepared } from "../../src/run/prepare.js";
import { sha256 } from "../../src/run/prepare.js";
import type { ContinueRequest, StartRequest } from "../../src/run/session.js";
import type { RunState } from "../../src/run/state.js";
import type { FrontEnd, JournalStore, World } from "../../src/run/world.js";
import type { Lock, LockHolder } from "../../src/state/lock.js";
import { LockHeldError } from "../../src/state/lock.js";
import type { NoteInbox, QueuedNote } from "../../src/state/note-inbox.js";

/** Journals in memory: the same contract as the files, without a disk. */
export class MemoryStore implements JournalStore {
  readonly location = "/memory";
  folderId = () => "memoryfolder0000";
  readonly runs = new Map<string, JournalEvent[]>();
  #time = Date.UTC(2026, 10, 28, 12, 0, 0);

  pathOf = (runId: string) => `/memory/${runId}.jsonl`;
  exists = (runId: string) => this.runs.has(runId);
  list = () => [...this.runs.keys()].sort();

  #sink(runId: string) {
    const events = this.runs.get(runId)!;
    return {
      append: (e: NewEvent): JournalEvent => {
        const full = { v: JOURNAL_VERSION, seq: events.length + 1, ts: new Date((this.#time += 10)).toISOString(), ...e } as JournalEvent;
        events.push(full);
        return full;
      },
      close: () => undefined,
    };
  }

  create: JournalStore["create"] = (runId, first) => {
    if (this.runs.has(runId)) throw new Error(`run ${runId} exists`);
    this.runs.set(runId, []);
    const sink = this.#sink(runId);
    const event = sink.append(first) as Extract<JournalEvent, { type: "run_started" }>;
    return { sink, event };
  };

  scan = (runId: string, onEvent: (e: JournalEvent) => void, limit = Infinity): ScanResult => {
    const events = (this.runs.get(runId) ?? []).slice(0, limit);
    for (const e of events) onEvent(e);
    return { count: events.length, torn: undefined, validBytes: events.length, missingNewline: false, bytes: events.length };
  };

  continue = (runId: string) => this.#sink(runId);

  /** Notes queued while a run is live; `writerOf` plays the journal's writer lock. */
  readonly inbox = new Map<string, QueuedNote[]>();
  writerOf = new Map<string, LockHolder>();
  notes: NoteInbox = {
    writer: (runId) => this.writerOf.get(runId),
    queue: (runId, note) => {
      const q = { id: `${note.at.replace(/[-:.]/g, "")}-${String(this.inbox.get(runId)?.length ?? 0).padStart(8, "0")}`, ...note };
      this.inbox.set(runId, [...(this.inbox.get(runId) ?? []), q]);
      return q;
    },
    queued: (runId) => [...(this.inbox.get(runId) ?? [])],
    drop: (runId, id) => void this.inbox.set(runId, (this.inbox.get(runId) ?? []).filter((q) => q.id !== id)),
  };

  /** A copy holding only the first `n` events of a run: what a crash right after event n leaves. */
  crashedAfter(runId: string, n: number): MemoryStore {
    const copy = new MemoryStore();
    copy.runs.set(runId, this.runs.get(runId)!.slice(0, n));
    copy.#time = this.#time + 1000;
    return copy;
  }
}

/** One lock per runbook id, held by whoever took it last; nothing is ever alive but this process. */
export function memoryLocks() {
  const held = new Map<string, LockHolder>();
  return {
    held,
    acquire: (runbookId: string, me: { runId: string; user: string; startedAt: string }, force: boolean): Lock => {
      const current = held.get(runbookId);
      if (current && current.pid === 1 && !force) throw new LockHeldError(current, runbookId, "it is live");
      const holder = { ...me, host: "memory", pid: 2, startTime: null };
      held.set(runbookId, holder);
      return { file: runbookId, tookOverFrom: current, release: () => void (held.get(runbookId) === holder && held.delete(runbookId)) };
    },
    alive: (h: LockHolder) => h.pid === 1,
  };
}

export interface Ran {
  readonly target: string;
  readonly phase: string;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * A runner that runs nothing: `outcome` says how each block ends (exit code, output). Every call is
 * recorded, so a test can count what ran.
 */
export function scriptedRunner(outcome: (run: BlockRun, n: number) => Partial<BlockResult> & { output?: string }): ProcessRunner & { ran: Ran[] } {
  const ran: Ran[] = [];
  let pid = 1000;
  const runner = async (run: BlockRun): Promise<BlockResult> => {
    const target = run.env.RUNBOOK_STEP_ID ?? "?";
    const phase = run.source.startsWith("#") ? run.source.slice(1).split("\n")[0]! : "block";
    ran.push({ target, phase, env: run.env });
    run.onSpawn(++pid, "1");
    const o = outcome(run, ran.length);
    if (o.output) run.onOutput("stdout", o.output);
    return { exitCode: 0, signal: null, timedOut: false, interrupted: run.signal.aborted, durationMs: 5, stdout: run.captureStdout ? (o.output ?? "") : undefined, error: undefined, ...o };
  };
  return Object.assign(runner, { ran });
}

/** A person at the keyboard, scripted: answers are taken in order; an unexpected question fails the test. */
export function scripted(answers: string[]): Operator & { asked: string[] } {
  const asked: string[] = [];
  return {
    name: "alice",
    asked,
    ask: (q: Ask) => {
      const label = `${q.kind} ${"step" in q && q.step ? q.step.id : "target" in q ? q.target : ""}`.trim();
      asked.push(label);
      const a = answers.shift();
      if (a === undefined) return Promise.reject(new Error(`unexpected question: ${label}`));
      return Promise.resolve(a as never);
    },
  };
}

export interface MemoryWorld extends World {
  readonly store: MemoryStore;
  readonly shown: JournalEvent[];
  readonly notices: string[];
  readonly printed: string[];
  finished: RunState | undefined;
}

export function memoryWorld(o: { store?: MemoryStore; runner: ProcessRunner; operator?: Operator; locks?: ReturnType<typeof memoryLocks>; askParam?: (stop: () => void) => AskParam; reviewParams?: ReviewParams }): MemoryWorld {
  const shown: JournalEvent[] = [];
  const notices: string[] = [];
  const printed: string[] = [];
  let now = Date.UTC(2026, 10, 28, 12, 0, 0);
  const world: MemoryWorld = {
    store: o.store ?? new MemoryStore(),
    locks: o.locks ?? memoryLocks(),
    runner: o.runner,
    processes: { stopLeftover: async () => "none" },
    clock: { now: () => (now += 1), sleep: async (ms) => void (now += ms), random: () => 0.5 },
    git: { state: async () => null, assertCommittable: async () => undefined, recordVerification: async (_f, v) => ({ ...v, committed: undefined }), verifier: async () => "tester" },
    host: "memory",
    pid: 2,
    operator: "alice",
    onSignal: () => () => undefined,
    env: { PATH: "/usr/bin:/bin" },
    graceMs: 0,
    notice: (t) => notices.push(t),
    print: (t) => printed.push(t),
    shown,
    notices,
    printed,
    finished: undefined,
    openFrontEnd: async (_plan, stop): Promise<FrontEnd> => ({
      onEvent: (e) => shown.push(e),
      show: () => undefined,
      notice: (t) => notices.push(t),
      operator: o.operator ?? nobody,
      askParam: o.askParam?.(stop),
      ...(o.reviewParams ? { reviewParams: o.reviewParams } : {}),
      finish: async (state) => {
        world.finished = state;
      },
    }),
  };
  return world;
}

/** A runbook ready to run, built from Markdown (steps only: frontmatter and title are added). */
export function preparedFrom(body: string, frontmatter = ""): Prepared {
  const file = "/memory/rb.md";
  const text = `---\nid: mem\nowner: team\n${frontmatter}---\n# Memory runbook\n\n${body}`;
  const runbook = buildRunbook(file, text);
  const plan = buildPlan(runbook, buildStepGraph(runbook), file);
  return { runbook, plan, sha256: sha256(text), file, location: { path: "rb.md", base: "repository" } };
}

export function startRequest(prepared: Prepared, over: Partial<StartRequest> = {}): StartRequest {
  return { prepared, given: {}, policy: { yes: false, onFailure: "ask", interrupted: undefined }, interactive: true, force: false, record: false, commit: false, from: undefined, only: undefined, ...over };
}

export function continueRequestFor(prepared: Prepared, runId: string, over: Partial<ContinueRequest> = {}): ContinueRequest {
  return {
    mode: "resume",
    runId,
    given: {},
    policy: { yes: false, onFailure: "ask", interrupted: undefined },
    interactive: true,
    force: false,
    lookup: { checkoutRoot: "/memory", stateDir: "/memory/state", explicit: undefined, cwd: "/memory" },
    hashOf: (f) => (f === prepared.file ? prepared.sha256 : undefined),
    prepare: async () => prepared,
    checkRequires: () => undefined,
    ...over,
  };
}

/** A fence in a test runbook; `# phase` as the first line tells the scripted runner what runs. */
export const block = (info: string, phase: string, body = "true") => `\`\`\`${info}\n#${phase}\n${body}\n\`\`\`\n`;
