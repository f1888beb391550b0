import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { JournalEvent } from "../../journal/events.js";
import { reduceRun, type RunState } from "../../journal/reduce.js";
import { JournalCorruptError, JournalError, JournalWriter } from "../../journal/store.js";
import { loadConfig } from "../../files/config.js";
import { EXIT, RunbookError } from "../errors.js";
import type { Io } from "../io.js";
import { prepare, resolveRunParams, type AskParam, type Prepared } from "./prepare.js";
import { crashHook } from "./session.js";
import { journalPath, stateDir } from "./state-dir.js";

export interface Reopened {
  readonly runId: string;
  readonly journalFile: string;
  readonly stateDir: string;
  readonly writer: JournalWriter;
  readonly state: RunState;
  readonly events: readonly JournalEvent[];
  readonly prepared: Prepared;
}

/**
 * Opens a run's journal to continue it (resume, rollback): rebuilds its state and checks that the
 * runbook did not change since it started.
 */
export async function reopen(io: Io, runId: string, flags: { force?: boolean; config?: string }): Promise<Reopened> {
  const loaded = await loadConfig(io.cwd, flags.config);
  const dir = stateDir(io.env, loaded, io.cwd);
  const journalFile = journalPath(dir, runId);
  if (!existsSync(journalFile)) {
    const recent = listRuns(dir).slice(-5);
    throw new RunbookError(`no run ${runId} in ${path.relative(io.cwd, dir) || "."}${recent.length ? `; recent runs: ${recent.join(", ")}` : ""}`, EXIT.usage);
  }
  let writer: JournalWriter;
  let state: RunState;
  let events: readonly JournalEvent[];
  try {
    const hook = crashHook(io.env);
    const opened = JournalWriter.resume(journalFile, hook ? { afterWrite: hook } : {});
    writer = opened.writer;
    if (opened.read.torn) io.stderr.write(`runbook: dropped a torn last line (line ${opened.read.torn.line}, ${opened.read.torn.bytes} bytes) left by a crash\n`);
    events = opened.read.events;
    state = reduceRun(events);
  } catch (e) {
    if (e instanceof JournalCorruptError || e instanceof JournalError) throw new RunbookError(e.message, EXIT.usage);
    throw e;
  }
  try {
    const file = path.relative(io.cwd, state.started.runbook.file) || state.started.runbook.file;
    const prepared = await prepare(io, file, loaded);
    if (prepared.sha256 !== state.started.runbook.sha256 && !flags.force) {
      throw new RunbookError(`${file} changed since run ${runId} started; its steps may no longer match the journal. Pass --force to continue anyway`, EXIT.usage);
    }
    return { runId, journalFile, stateDir: dir, writer, state, events, prepared };
  } catch (e) {
    writer.close();
    throw e;
  }
}

/** The params again: journaled values, plus secrets and secret captures (never journaled) given anew. */
export async function reopenParams(r: Reopened, given: Record<string, string>, ask: AskParam | undefined) {
  const { state } = r;
  const captures: Record<string, string> = {};
  for (const [name, c] of state.captures) {
    if (!c.secret || c.value !== null) continue;
    const value = given[name] ?? (ask ? await ask(name, "captured from a secret; not kept in the journal", true, () => undefined) : undefined);
    delete given[name];
    if (value === undefined) throw new RunbookError(`\`${name}\` was captured from a secret and is not in the journal: pass -p ${name}=…`, EXIT.usage);
    captures[name] = value;
  }
  const journaled = Object.fromEntries(Object.entries(state.started.params).filter(([k]) => !state.started.secrets.includes(k)));
  const resolved = await resolveRunParams(r.prepared.runbook, { ...journaled, ...given }, ask);
  return { params: { ...resolved.values }, secrets: resolved.secrets, captures };
}

export function listRuns(dir: string): string[] {
  try {
    return readdirSync(path.join(dir, "runs"))
      .filter((f) => f.endsWith(".jsonl"))
      .map((f) => f.slice(0, -".jsonl".length))
      .sort();
  } catch {
    return [];
  }
}
