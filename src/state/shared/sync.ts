import { randomBytes } from "node:crypto";
import { closeSync, constants, copyFileSync, fsyncSync, linkSync, lstatSync, openSync, readdirSync, renameSync, unlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { kindOf } from "../../system/open-regular.js";
import { fsyncDir } from "../../system/fsync-dir.js";
import { RUN_ID_PATTERN } from "../../journal/run-id.js";
import { ensureStateSubdir, journalPath, listRunIds, runsDir } from "../state-dir.js";
import { readHolder, thisHost } from "../lock.js";
import { bytesInSubject, chainAt, chainObjects, readLeases, type Chain } from "./chain.js";
import { git } from "../../system/git.js";
import { isAncestor, refsUnder, refsUnderEach, shasOf } from "./git-remote.js";
import type { LeaseRecord } from "./lease.js";
import { RUNS, rewrittenPrefix, rewrittenRef, trackingPrefix } from "./refs.js";
import { fetchShared, prepareClone, type ShareConfig } from "./remote.js";
import { completeLength, countLines, DEFAULT_CHUNK, samePrefix, writeObjects } from "./stream.js";

/** Where one run stands between this clone and the remote. */
export type RunSync =
  | { readonly runId: string; readonly status: "shared" }
  | { readonly runId: string; readonly status: "local only"; readonly events: number }
  | { readonly runId: string; readonly status: "ahead"; readonly events: number }
  | { readonly runId: string; readonly status: "remote only" }
  /** Two machines wrote the run: the remote's journal is used, this clone's is kept beside it as `kept`. */
  | { readonly runId: string; readonly status: "diverged"; readonly kept: string }
  /**
   * The run's ref on the remote moved in a way git never moves it: not a fast-forward of what this
   * clone had fetched (someone force-pushed, or rewrote it). This clone's journal stays the run here;
   * the remote's version, when it says otherwise (`agrees` false), is kept beside it as `kept`.
   */
  | { readonly runId: string; readonly status: "rewritten"; readonly agrees: boolean; readonly kept: string | undefined }
  /** The journal here is being written by a live process of this clone, or is not a regular file: left alone. */
  | { readonly runId: string; readonly status: "left alone"; readonly why: string };

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
 * one is brought in. A run whose history on the remote was rewritten is said to be, and not taken
 * from the remote. Reports where every run stands. Journals are compared and copied as streams.
 */
export async function syncShared(config: ShareConfig, stateDir: string, now: () => number = Date.now): Promise<SyncReport> {
  const { repo } = config;
  const chunk = config.chunkBytes ?? DEFAULT_CHUNK;
  await prepareClone(config);
  // What the remote had at the last look: a run's ref that moves to something not built on it was rewritten.
  const before = await refsUnder(repo, `${trackingPrefix(config.remote)}runs/`);
  const unreachable = await fetchShared(config);
  // Everything else this sync reads of the refs, in one look.
  const [remote, local, rewritten, locks] = await refsUnderEach(repo, [`${trackingPrefix(config.remote)}runs/`, RUNS, rewrittenPrefix(config.remote), `${trackingPrefix(config.remote)}locks/`]);
  const remoteRuns = shasOf(remote);
  const localRefs = shasOf(local);
  const marks = shasOf(rewritten);
  const ids = new Set([...listRunIds(stateDir), ...remoteRuns.keys(), ...localRefs.keys()].filter((id) => RUN_ID_PATTERN.test(id)));
  const imported: string[] = [];
  const runs: RunSync[] = [];
  for (const runId of [...ids].sort()) {
    const tip = remoteRuns.get(runId);
    const file = journalPath(stateDir, runId);
    const odd = notRegular(file);
    if (odd !== undefined) {
      runs.push({ runId, status: "left alone", why: `${path.basename(file)} is ${odd}, not a journal` });
      continue;
    }
    if (tip === undefined) {
      const length = completeLength(file, chunk) ?? 0;
      runs.push({ runId, status: "local only", events: countLines(file, 0, length, chunk) });
      continue;
    }
    // The common case costs no read: this clone already has the remote's tip, and the journal's length says the rest.
    const length = completeLength(file, chunk);
    const pushed = bytesInSubject(remote.get(runId)?.subject ?? "");
    const was = before.get(runId);
    const mark = marks.get(runId);
    const moved = was !== undefined && was !== tip && !(await isAncestor(repo, was, tip));
    if (!moved && mark === undefined && localRefs.get(runId) === tip && length !== undefined && pushed !== undefined && length >= pushed) {
      runs.push(length === pushed ? { runId, status: "shared" } : { runId, status: "ahead", events: countLines(file, pushed, length, chunk) });
      continue;
    }
    const there = await chainAt(repo, tip);
    // A run that never journaled (its start failed after the lock was taken) has nothing to bring in.
    if (there.bytes === 0 && length === undefined) continue;
    const common = Math.min(length ?? 0, there.bytes);
    const agrees = length === undefined || (await samePrefix(repo, chainObjects(there), file, common, chunk));
    if (moved || mark !== undefined) {
      if (agrees && mark !== undefined) await git(repo, ["update-ref", "-d", rewrittenRef(config.remote, runId)]);
      if (!agrees) {
        // The remote's version says otherwise: kept beside this clone's, which stays the run here.
        const kept = tip === mark ? undefined : await keepRemoteVersion(repo, there, file, now(), chunk);
        await git(repo, ["update-ref", "-m", `runbook: ${config.remote} rewrote run ${runId}`, rewrittenRef(config.remote, runId), tip]);
        runs.push({ runId, status: "rewritten", agrees: false, kept });
        continue;
      }
      if (moved) {
        // It still says what this clone's journal says: reported, then brought in if it says more.
        runs.push({ runId, status: "rewritten", agrees: true, kept: undefined });
        if (length === undefined || there.bytes > length) {
          if (liveWriterHere(file) === undefined) {
            await writeJournal(stateDir, repo, file, there, chunk);
            await git(repo, ["update-ref", "-m", `runbook: fetched from ${config.remote} (rewritten)`, `${RUNS}${runId}`, tip]);
            imported.push(runId);
          }
        }
        continue;
      }
    }
    const live = liveWriterHere(file);
    if (length === undefined || (there.bytes > length && agrees)) {
      if (live !== undefined) {
        runs.push({ runId, status: "left alone", why: live });
        continue;
      }
      await writeJournal(stateDir, repo, file, there, chunk);
      await git(repo, ["update-ref", "-m", `runbook: fetched from ${config.remote}`, `${RUNS}${runId}`, tip]);
      imported.push(runId);
      runs.push({ runId, status: "shared" });
    } else if (agrees && there.bytes === length) {
      if (localRefs.get(runId) !== tip) await git(repo, ["update-ref", "-m", `runbook: fetched from ${config.remote}`, `${RUNS}${runId}`, tip]);
      runs.push({ runId, status: "shared" });
    } else if (agrees) {
      runs.push({ runId, status: "ahead", events: countLines(file, there.bytes, length, chunk) });
    } else if (live !== undefined) {
      runs.push({ runId, status: "left alone", why: live });
    } else {
      // Someone took the run over from this clone (its lease expired) and went on: the shared
      // journal is the run now. What this clone journaled after its last push is kept beside it.
      const kept = setAside(file, "kept", now());
      await writeJournal(stateDir, repo, file, there, chunk);
      await git(repo, ["update-ref", "-m", `runbook: fetched from ${config.remote}, ours kept`, `${RUNS}${runId}`, tip]);
      imported.push(runId);
      runs.push({ runId, status: "diverged", kept });
    }
  }
  return { unreachable, imported, runs, leases: await leasesAt(config, shasOf(locks)), kept: keptJournals(stateDir) };
}

function keptJournals(stateDir: string): string[] {
  try {
    return readdirSync(runsDir(stateDir))
      .filter((f) => /\.jsonl\.(kept|rewritten)-/.test(f))
      .sort()
      .map((f) => path.join(runsDir(stateDir), f));
  } catch {
    return [];
  }
}

/** The remote's locks as this clone last fetched them. */
export async function remoteLeases(config: ShareConfig): Promise<Map<string, LeaseRecord>> {
  return leasesAt(config, await refsUnder(config.repo, `${trackingPrefix(config.remote)}locks/`));
}

/** What the lock commits `locks` (runbook id → commit) say. */
async function leasesAt(config: ShareConfig, locks: ReadonlyMap<string, string>): Promise<Map<string, LeaseRecord>> {
  const records = await readLeases(config.repo, [...locks.values()]);
  const out = new Map<string, LeaseRecord>();
  for (const [id, sha] of locks) {
    const r = records.get(sha);
    if (r) out.set(id, r);
  }
  return out;
}

/** What a path is when it is there and not a regular file (a FIFO, a device, a link), else undefined. */
function notRegular(file: string): string | undefined {
  try {
    const s = lstatSync(file);
    return s.isFile() ? undefined : kindOf(s);
  } catch {
    return undefined;
  }
}

/** Why a journal must not be replaced now: a live process of this clone writes it. */
function liveWriterHere(file: string): string | undefined {
  const h = readHolder(`${file}.lock`);
  if (!h || h.host !== os.hostname() || !thisHost(os.hostname(), process.pid).alive(h)) return undefined;
  return `it is being written by pid ${h.pid} here; it is brought in when that process stops`;
}

/**
 * A name beside `file` for a journal set aside, unique: `<file>.<kind>-<UTC time to the ms>`, then
 * `-2`, `-3`… when two are set aside in the same millisecond. Taken by `claim`, which must fail with
 * EEXIST on a name that exists (a hard link, or a copy with COPYFILE_EXCL): nothing set aside is ever
 * replaced.
 */
function claimUnique(file: string, kind: "kept" | "rewritten", at: number, claim: (name: string) => void): string {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, "");
  for (let n = 1; ; n++) {
    const name = `${file}.${kind}-${stamp}${n > 1 ? `-${n}` : ""}`;
    try {
      claim(name);
      return name;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || n > 10_000) throw e;
    }
  }
}

/** Sets this clone's journal aside under a new name (a second link to it; a copy where links cannot be made); the journal itself is then replaced by a rename. */
function setAside(file: string, kind: "kept" | "rewritten", at: number): string {
  const kept = claimUnique(file, kind, at, (name) => {
    try {
      linkSync(file, name);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST") throw e;
      // A file system without hard links: a copy, which also refuses to replace anything.
      copyFileSync(file, name, constants.COPYFILE_EXCL);
    }
  });
  fsyncDir(path.dirname(file));
  return kept;
}

/** The remote's version of a run, written beside this clone's journal as `<file>.rewritten-<time>`. */
async function keepRemoteVersion(repo: string, chain: Chain, file: string, at: number, chunk: number): Promise<string> {
  const tmp = await writeTemp(repo, file, chain, chunk);
  try {
    return claimUnique(file, "rewritten", at, (name) => linkSync(tmp, name));
  } finally {
    unlinkQuiet(tmp);
    fsyncDir(path.dirname(file));
  }
}

/** Writes a chain's journal to a new private file beside `file`, fsynced; returns its name. */
async function writeTemp(repo: string, file: string, chain: Chain, chunk: number): Promise<string> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.fetch`);
  // O_EXCL: a name nobody else made, never a FIFO or a link someone left there.
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    await writeObjects(repo, chainObjects(chain), fd, chunk);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkQuiet(tmp);
    throw e;
  }
  closeSync(fd);
  return tmp;
}

/** Writes a journal whole, as the file store would: private, fsynced, then renamed into place. Streamed from git. */
async function writeJournal(stateDir: string, repo: string, file: string, chain: Chain, chunk: number): Promise<void> {
  ensureStateSubdir(stateDir, runsDir(stateDir));
  await replaceJournal(repo, file, chain, chunk);
}

/** Replaces a journal, in a folder that exists, by a chain's: written beside it, fsynced, renamed into place. */
export async function replaceJournal(repo: string, file: string, chain: Chain, chunk: number): Promise<void> {
  const tmp = await writeTemp(repo, file, chain, chunk);
  renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}
