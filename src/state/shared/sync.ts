import { closeSync, constants, fstatSync, fsyncSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { RUN_ID_PATTERN } from "../../journal/run-id.js";
import { ensureStateSubdir, journalPath, listRunIds, runsDir } from "../layout.js";
import { bytesInSubject, chainAt, chainBytes, readLeases } from "./chain.js";
import { git, refsUnder, refsWithSubjects } from "./git.js";
import type { LeaseRecord } from "./lease.js";
import { RUNS, trackingPrefix } from "./refs.js";
import { fetchShared, prepareClone, type ShareConfig } from "./remote.js";

/** Where one run stands between this clone and the remote. */
export type RunSync =
  | { readonly runId: string; readonly status: "shared" }
  | { readonly runId: string; readonly status: "local only"; readonly events: number }
  | { readonly runId: string; readonly status: "ahead"; readonly events: number }
  | { readonly runId: string; readonly status: "remote only" }
  /** Two machines wrote the run: the remote's journal is used, this clone's is kept beside it as `kept`. */
  | { readonly runId: string; readonly status: "diverged"; readonly kept: string };

export interface SyncReport {
  /** Undefined when the remote answered; else why it could not be reached. */
  readonly unreachable: string | undefined;
  /** Runs brought in from the remote (new, or further along there). */
  readonly imported: readonly string[];
  readonly runs: readonly RunSync[];
  /** The remote's locks, as last fetched, by runbook id. */
  readonly leases: ReadonlyMap<string, LeaseRecord>;
  /** Journals this clone set aside when the remote's differed (now or before): never deleted by the tool. */
  readonly kept: readonly string[];
}

/**
 * Fetches the shared refs (with a short timeout), then brings each shared run into the state folder
 * when this clone has less of it. A journal here is extended, never rewritten: one with events the
 * remote lacks stays (they are pushed when the run is taken up here), and one the remote went on
 * without (another machine took the run over) is set aside whole, never deleted, before the shared
 * one is brought in. Reports where every run stands.
 */
export async function syncShared(config: ShareConfig, stateDir: string): Promise<SyncReport> {
  await prepareClone(config);
  const unreachable = await fetchShared(config);
  const remote = await refsWithSubjects(config.repo, `${trackingPrefix(config.remote)}runs/`);
  const remoteRuns = new Map([...remote].map(([id, r]) => [id, r.sha]));
  const localRefs = await refsUnder(config.repo, RUNS);
  const ids = new Set([...listRunIds(stateDir), ...remoteRuns.keys(), ...localRefs.keys()].filter((id) => RUN_ID_PATTERN.test(id)));
  const imported: string[] = [];
  const runs: RunSync[] = [];
  for (const runId of [...ids].sort()) {
    const tip = remoteRuns.get(runId);
    const file = journalPath(stateDir, runId);
    if (tip === undefined) {
      runs.push({ runId, status: "local only", events: countLines(readComplete(file) ?? Buffer.alloc(0)) });
      continue;
    }
    // The common case costs no read: this clone already has the remote's tip, and the journal's length says the rest.
    const length = sizeOf(file);
    const pushed = bytesInSubject(remote.get(runId)?.subject ?? "");
    if (localRefs.get(runId) === tip && length !== undefined && pushed !== undefined && length >= pushed) {
      runs.push(length === pushed ? { runId, status: "shared" } : { runId, status: "ahead", events: countLines(tailOf(file, pushed)) });
      continue;
    }
    const here = readComplete(file);
    const there = await chainBytes(config.repo, await chainAt(config.repo, tip));
    // A run that never journaled (its start failed after the lock was taken) has nothing to bring in.
    if (there.length === 0 && here === undefined) continue;
    if (here === undefined || (there.length > here.length && there.subarray(0, here.length).equals(here))) {
      writeJournal(stateDir, file, there);
      await git(config.repo, ["update-ref", "-m", `runbook: fetched from ${config.remote}`, `${RUNS}${runId}`, tip]);
      imported.push(runId);
      runs.push({ runId, status: "shared" });
    } else if (here.equals(there)) {
      if (localRefs.get(runId) !== tip) await git(config.repo, ["update-ref", "-m", `runbook: fetched from ${config.remote}`, `${RUNS}${runId}`, tip]);
      runs.push({ runId, status: "shared" });
    } else if (here.length > there.length && here.subarray(0, there.length).equals(there)) {
      runs.push({ runId, status: "ahead", events: countLines(here.subarray(there.length)) });
    } else {
      // Someone took the run over from this clone (its lease expired) and went on: the shared
      // journal is the run now. What this clone journaled after its last push is kept beside it.
      const kept = `${file}.kept-${new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}`;
      renameSync(file, kept);
      writeJournal(stateDir, file, there);
      await git(config.repo, ["update-ref", "-m", `runbook: fetched from ${config.remote}, ours kept`, `${RUNS}${runId}`, tip]);
      imported.push(runId);
      runs.push({ runId, status: "diverged", kept });
    }
  }
  return { unreachable, imported, runs, leases: await remoteLeases(config), kept: keptJournals(stateDir) };
}

function keptJournals(stateDir: string): string[] {
  try {
    return readdirSync(runsDir(stateDir))
      .filter((f) => /\.jsonl\.kept-/.test(f))
      .sort()
      .map((f) => path.join(runsDir(stateDir), f));
  } catch {
    return [];
  }
}

/** The remote's locks as this clone last fetched them. */
export async function remoteLeases(config: ShareConfig): Promise<Map<string, LeaseRecord>> {
  const locks = await refsUnder(config.repo, `${trackingPrefix(config.remote)}locks/`);
  const records = await readLeases(config.repo, [...locks.values()]);
  const out = new Map<string, LeaseRecord>();
  for (const [id, sha] of locks) {
    const r = records.get(sha);
    if (r) out.set(id, r);
  }
  return out;
}

/** A journal's complete lines (a torn last line is not part of it), or undefined when there is none. */
export function readComplete(file: string): Buffer | undefined {
  try {
    const bytes = readFileSync(file);
    return bytes.subarray(0, bytes.lastIndexOf(10) + 1);
  } catch {
    return undefined;
  }
}

function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

/** A journal's bytes from `offset` on, to its last complete line. */
export function tailOf(file: string, offset: number): Buffer {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.max(0, size - offset));
    let read = 0;
    while (read < buf.length) {
      const n = readSync(fd, buf, read, buf.length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
    return buf.subarray(0, buf.subarray(0, read).lastIndexOf(10) + 1);
  } finally {
    closeSync(fd);
  }
}

const countLines = (b: Buffer) => b.toString("utf8").split("\n").filter(Boolean).length;

/** Writes a journal whole, as the file store would: private, fsynced, then renamed into place. */
function writeJournal(stateDir: string, file: string, bytes: Buffer): void {
  ensureStateSubdir(stateDir, runsDir(stateDir));
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.fetch`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
