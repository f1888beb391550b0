import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { UsageError } from "../core/errors.js";
import type { LoadedConfig } from "../system/config-file.js";
import { loadProjectConfig } from "./project-config.js";
import type { Holder } from "../report/run-summary.js";
import type { JournalStore } from "../run/world.js";
import { fileJournalStore } from "../state/journals.js";
import { stateDirOf } from "../state/state-dir.js";
import { holderLive, lockHolder, thisHost } from "../state/lock.js";
import { resolveRunId } from "../state/run-ids.js";
import { leaseStatus } from "../state/shared/lease.js";
import type { ShareConfig } from "../state/shared/remote.js";
import { shareConfigOf } from "../state/shared/setup.js";
import { syncShared, type RunSync, type SyncReport } from "../state/shared/sync.js";
import type { Io } from "./io.js";
import type { Assessed } from "../check/assess.js";
import { fileAtCommit } from "../state/approvals-store.js";
import { refsUnderEach } from "../state/shared/git-remote.js";
import { RUNS, trackingPrefix } from "../state/shared/refs.js";
import { verifyHistory, type HistoryTrust } from "../state/shared/signed-history.js";
import { withSharedNotes, type SharedNote } from "../report/merged-notes.js";
import { allFetchedRecords, type NoteRecord } from "../state/shared/notes-ref.js";
import type { EventOf } from "../journal/events.js";
import type { RunbookFacts } from "../report/step-facts.js";
import { runbookFactsReader } from "./runbook-facts.js";

/**
 * What the commands that read runs (`runs`, `log`, `handoff`, `stats`, `share status`) see of the
 * world: the journal store, who holds each run, the shared remote's report and a clock. `openRuns`
 * builds the real one (files, locks, git); a test builds one on a memory store
 * (test/helpers/memory-runs.ts). Each command is `default(io, flags)` (opens the real one) over an
 * exported function that takes this.
 */
export interface RunsWorld {
  readonly loaded: LoadedConfig;
  /** The journals: the state folder's `runs/` (shared runs fetched into it first), or memory. */
  readonly store: JournalStore;
  readonly share: ShareConfig | undefined;
  /** What fetching the shared runs found; undefined when runs are not shared. */
  readonly sync: SyncReport | undefined;
  /**
   * Who holds a run now, if anyone: the live lease on the remote that names it (after a takeover,
   * the new holder's), else a live process here whose lock names it (an `--offline` run, or any run
   * when runs are not shared).
   */
  holderOf(runbookId: string, runId: string): Holder | undefined;
  /** Milliseconds since the epoch: the end of `--since` windows. */
  now(): number;
  /**
   * The project's runbooks judged for staleness as of `today`, and those whose steps changed since
   * `changedSince` (`handoff`): the check pipeline over the files and git, or what a test says.
   */
  runbooks(o: { today: Date; changedSince: Date }): Promise<Assessed>;
  /** A runbook's text as it is now, if it is still there (`log` takes its steps' titles from it). */
  runbookText(file: string): string | undefined;
  /**
   * With `share:` and `approvals:`: each shared run's history checked against the allowed-signers
   * file (docs/approvals.md, "Signed history"), by run id. Undefined when histories are not signed.
   */
  readonly history?: ReadonlyMap<string, HistoryTrust>;
  /** What a run's runbook says of its steps (confirm, irreversible, manual, rollback), when it can be found. */
  readonly factsOf?: (started: EventOf<"run_started">) => RunbookFacts | undefined;
}

/**
 * Reads the config and, when runs are shared, fetches them first (with a short timeout; when the
 * remote cannot be reached it says so and goes on with what this clone knows).
 */
export async function openRuns(io: Io, configFlag: string | undefined): Promise<RunsWorld> {
  const loaded = await loadProjectConfig(io.cwd, configFlag);
  const stateDir = stateDirOf(io.env, loaded.root, loaded.config.state_dir, io.cwd);
  const share = shareConfigOf(loaded, io.env);
  const sync = await syncForReading(io, share, stateDir);
  const files = fileJournalStore(stateDir);
  // A shared run's notes (anyone's, on its notes ref) are read with its journal, merged by time.
  const shared = share && sync ? await allFetchedRecords(share) : undefined;
  const store = shared ? withSharedNotes(files, (runId) => (shared.get(runId) ?? []).map(recordAsNote)) : files;
  const machine = thisHost(os.hostname(), process.pid);
  const holderOf = (runbookId: string, runId: string): Holder | undefined => {
    const lease = sync?.leases.get(runbookId);
    if (lease && lease.runId === runId && leaseStatus(lease, Date.now()) === "live") return { runId: lease.runId, user: lease.user, host: lease.host, pid: lease.pid, leaseUntil: lease.expiresAt };
    const h = lockHolder(stateDir, runbookId);
    if (!h || h.runId !== runId) return undefined;
    // With shared runs the remote's lease says who holds a run elsewhere; this clone's lock only says who holds it here.
    const live = sync ? h.host === machine.host && machine.alive(h) : holderLive(h, machine);
    return live ? { runId: h.runId, user: h.user, host: h.host, pid: h.pid, leaseUntil: undefined } : undefined;
  };
  const runbooks = async (o: { today: Date; changedSince: Date }) => {
    // Loaded only by `handoff`: the check pipeline is most of the code.
    const { assessRunbooks } = await import("../check/assess.js");
    return assessRunbooks({ cwd: loaded.root, paths: loaded.config.runbooks ?? [], today: o.today, reviewEvery: loaded.config.review_every, env: io.env, changedSince: o.changedSince });
  };
  const runbookText = (file: string) => {
    try {
      return readFileSync(path.resolve(io.cwd, file), "utf8");
    } catch {
      return undefined;
    }
  };
  const history = share && sync && loaded.config.approvals ? await runHistories(share, sync, loaded, stateDir) : undefined;
  return { loaded, store, share, sync, holderOf, now: () => Date.now(), factsOf: runbookFactsReader(io.cwd, stateDir), runbooks, runbookText, ...(history ? { history } : {}) };
}

/**
 * Every shared run's history as the remote has it (this clone's own ref for a run not on the remote),
 * verified against the allowed-signers file as committed at HEAD: a key added in the working tree
 * and not committed does not count.
 */
async function runHistories(share: ShareConfig, sync: SyncReport, loaded: LoadedConfig, stateDir: string): Promise<Map<string, HistoryTrust>> {
  const rel = path.relative(share.repo, path.resolve(loaded.root, loaded.config.approvals?.allowed_signers ?? "")).split(path.sep).join("/");
  const text = await fileAtCommit(share.repo, "HEAD", rel);
  const [remote, local] = await refsUnderEach(share.repo, [`${trackingPrefix(share.remote)}runs/`, RUNS]);
  const out = new Map<string, HistoryTrust>();
  for (const r of sync.runs) {
    const tip = (remote.get(r.runId) ?? local.get(r.runId))?.sha;
    if (tip === undefined) continue;
    if (text === undefined) {
      out.set(r.runId, { status: "flagged", why: "unreadable", commit: tip, detail: `the allowed-signers file ${rel} is not committed at HEAD, so nothing can be verified` });
      continue;
    }
    out.set(r.runId, await verifyHistory(share.repo, tip, { text, name: rel }, stateDir));
  }
  return out;
}

/** One line saying where a run's history stands, for `log`, `runs` and `share status`. */
export function historyText(t: HistoryTrust): string {
  if (t.status === "verified") return `verified: ${t.commits} commit${t.commits === 1 ? "" : "s"} signed by ${t.signers.join(", ")}`;
  return `FLAGGED (${t.why}): ${t.detail}`;
}

/** The HISTORY cell of `runs`. */
export function historyCell(t: HistoryTrust | undefined): string {
  if (t === undefined) return "-";
  return t.status === "verified" ? `verified (${t.signers.join(", ")})` : `FLAGGED: ${t.why}`;
}

/** A record on a run's notes ref as the note readers show: a handover asked or granted says so in words. */
export function recordAsNote(r: NoteRecord): SharedNote {
  const text = r.kind === "handover" ? `asks to take the run over${r.text ? `: ${r.text}` : ""}` : r.kind === "grant" ? `released the run to ${r.to ?? "whoever resumes it"}${r.text ? `: ${r.text}` : ""}` : r.text;
  return { id: r.id, at: r.at, by: r.by, text, kind: r.kind };
}

/** Fetches and brings in shared runs, saying so when the remote cannot be reached. */
export async function syncForReading(io: Io, share: ShareConfig | undefined, stateDir: string): Promise<SyncReport | undefined> {
  if (!share) return undefined;
  const report = await syncShared(share, stateDir);
  if (report.unreachable) io.stderr.write(`runbook: could not reach ${share.remote} (${report.unreachable}); showing what this clone knows\n`);
  for (const r of report.runs) {
    if (r.status === "diverged") io.stderr.write(`runbook: run ${r.runId} went on elsewhere after this clone's last push: the shared journal is used; this clone's is kept as ${r.kept}\n`);
    if (r.status === "rewritten") io.stderr.write(`runbook: ${rewrittenText(share.remote, r)}\n`);
  }
  return report;
}

/** A run id from what was typed: a full id, a unique prefix or `last`. */
export function runIdIn(store: Pick<JournalStore, "list" | "location">, cwd: string, given: string): string {
  return resolveRunId(given, store.list(), path.relative(cwd, store.location) || store.location);
}

/** The `share:` of the config, for the commands that only make sense with it (`share status`, `share push`). */
export function requireShare<T>(share: T | undefined): T {
  if (share === undefined) throw new UsageError("runs are not shared: there is no `share:` in runbook.config.yaml", { hint: "Add `share: {remote: origin}` to share runs and locks through the git remote (docs/handoff.md)." });
  return share;
}

/** What a run whose history on the remote was rewritten means here, in one sentence. */
export function rewrittenText(remote: string, r: Extract<RunSync, { status: "rewritten" }>): string {
  const head = `run ${r.runId}'s history on ${remote} was rewritten (not a fast-forward of what this clone had fetched: someone force-pushed it)`;
  if (r.agrees) return `${head}; its journal still agrees with this clone's, so nothing is lost`;
  return `${head}, and it says otherwise than this clone's journal: this clone's journal stays the run here${r.kept ? `; ${remote}'s version is kept as ${r.kept}` : ` (${remote}'s version was kept before)`}; nothing is taken from ${remote} for this run until its history is put back`;
}
