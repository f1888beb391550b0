import { randomBytes } from "node:crypto";
import { git, gitOk } from "../../system/git.js";
import { objectWriter, type TreeEntry } from "../../system/git-objects.js";
import { readObjects, refSha, refsUnder } from "./git-remote.js";
import { trackingPrefix } from "./refs.js";
import { pushAtomic, type ShareConfig } from "./remote.js";

/*
 * Notes anyone leaves on a shared run (docs/handoff.md): `refs/runbook/notes/<run-id>`, a chain of
 * commits whose tree holds one `<id>.json` per record. Any clone appends by compare-and-swap (a push
 * that only lands if the ref is still what it fetched); the loser of a race fetches and tries again.
 * A record's id is its file name, so a retry after a push that landed unseen finds it there and
 * never adds it twice. Nobody but the runner writes a run's journal: these stay on their own ref.
 */

export const NOTES = "refs/runbook/notes/";
export const notesRef = (runId: string) => `${NOTES}${runId}`;
export const trackingNotesRef = (remote: string, runId: string) => `${trackingPrefix(remote)}notes/${runId}`;

/**
 * What a record says. `note`: words for whoever looks next. `handover`: `by` asks the holder to hand
 * the run over (`runbook handover`). `grant`: the holder lets it go to `to` (`runbook release`).
 */
export type NoteKind = "note" | "handover" | "grant";
export interface NoteRecord {
  /** Sortable and unique: when, then random (the note inbox's form, so a note journaled by its runner keeps it). */
  readonly id: string;
  readonly kind: NoteKind;
  readonly by: string;
  readonly host: string;
  readonly at: string;
  readonly text: string;
  /** A grant's recipient. */
  readonly to?: string;
}

const ID = /^\d{8}T\d{6}\d{3}Z-[0-9a-f]{8}$/;

export function newRecordId(at: string): string {
  return `${at.replace(/[-:.]/g, "")}-${randomBytes(4).toString("hex")}`;
}

/** A record as pushed by anyone: every field checked for its type; anything else is left out. */
export function parseRecord(name: string, text: string | undefined): NoteRecord | undefined {
  if (text === undefined || !name.endsWith(".json")) return undefined;
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const id = name.slice(0, -5);
  if (d.id !== id || !ID.test(id)) return undefined;
  if (d.kind !== "note" && d.kind !== "handover" && d.kind !== "grant") return undefined;
  if (typeof d.by !== "string" || typeof d.host !== "string" || typeof d.at !== "string" || Number.isNaN(Date.parse(d.at)) || typeof d.text !== "string") return undefined;
  return { id, kind: d.kind, by: d.by, host: d.host, at: d.at, text: d.text, ...(typeof d.to === "string" ? { to: d.to } : {}) };
}

/** The records a notes commit holds, oldest first (by time, then id). */
export async function recordsAt(repo: string, tip: string | undefined): Promise<NoteRecord[]> {
  if (tip === undefined) return [];
  const names = (await gitOk(repo, ["ls-tree", "--name-only", tip])).split("\n").filter((n) => n.endsWith(".json"));
  const blobs = await readObjects(
    repo,
    names.map((n) => `${tip}:${n}`),
  );
  const out: NoteRecord[] = [];
  for (const n of names) {
    const r = parseRecord(n, blobs.get(`${tip}:${n}`)?.toString("utf8"));
    if (r) out.push(r);
  }
  return out.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
}

/** Fetches one run's notes ref into the tracking namespace (a glob that matches it alone, or nothing). Undefined when it worked, else why not. */
export async function fetchNotes(c: ShareConfig, runId: string): Promise<string | undefined> {
  const r = await git(c.repo, ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-auto-maintenance", c.remote, `+${notesRef(runId)}*:${trackingNotesRef(c.remote, runId)}*`], { idleTimeoutMs: c.timeoutMs });
  if (r.code === 0) return undefined;
  return r.timedOut ? `no answer within ${Math.round(c.timeoutMs / 1000)}s` : r.stderr.trim().split("\n").at(-1) || `git fetch exited ${r.code}`;
}

/** A run's records as this clone last fetched them. */
export async function fetchedRecords(c: ShareConfig, runId: string): Promise<NoteRecord[]> {
  return recordsAt(c.repo, await refSha(c.repo, trackingNotesRef(c.remote, runId)));
}

export class NotesUnavailableError extends Error {
  override name = "NotesUnavailableError";
}

/** How many times an append tries before it gives up, and the most it waits between two tries. */
const TRIES = 100;
const MAX_BACKOFF_MS = 800;

/**
 * Appends a record to a run's notes ref on the remote by compare-and-swap, fetching and trying again
 * (with a random, growing pause) when another clone moved it first. Resolves with the number of
 * tries it took; throws `NotesUnavailableError` when the remote cannot be reached or refuses.
 */
export async function appendRecord(c: ShareConfig, runId: string, record: NoteRecord, env: Record<string, string>, random: () => number = Math.random): Promise<number> {
  const name = `${record.id}.json`;
  const objects = await objectWriter(c.repo);
  const blob = await objects.blob(`${JSON.stringify(record, null, 2)}\n`);
  for (let attempt = 1; ; attempt++) {
    const unreachable = await fetchNotes(c, runId);
    if (unreachable !== undefined) throw new NotesUnavailableError(`cannot reach ${c.remote}: ${unreachable}`);
    const tip = await refSha(c.repo, trackingNotesRef(c.remote, runId));
    const listed = tip ? await recordFiles(c.repo, tip, runId) : [];
    // A try whose push landed but whose answer was lost: the record is there, once.
    if (listed.some((e) => e.name === name)) return attempt;
    const tree = await objects.tree([...listed, { name, sha: blob }]);
    const subject = `runbook ${record.kind} on run ${runId} by ${record.by}@${record.host}`;
    const commit = await objects.commit({ tree, parents: tip ? [tip] : [], message: subject, env });
    const pushed = await pushAtomic(c, [{ ref: notesRef(runId), sha: commit, expected: tip }]);
    if (pushed.ok) {
      await git(c.repo, ["update-ref", "-m", "runbook: note pushed", trackingNotesRef(c.remote, runId), commit]);
      return attempt;
    }
    if (pushed.why !== "moved") throw new NotesUnavailableError(pushed.why === "refused" ? `${c.remote} refused the push: ${pushed.detail}` : `cannot reach ${c.remote}: ${pushed.detail}`);
    if (attempt >= TRIES) throw new NotesUnavailableError(`${c.remote}'s ${notesRef(runId)} kept moving: ${TRIES} tries lost the race`);
    // Full jitter: racing clones spread out instead of colliding again in step.
    await new Promise((r) => setTimeout(r, Math.floor(random() * Math.min(MAX_BACKOFF_MS, 25 * 2 ** attempt))));
  }
}

/** The files of a notes commit: one `<id>.json` blob per record, and nothing else (anything else is not a notes ref). */
async function recordFiles(repo: string, tip: string, runId: string): Promise<TreeEntry[]> {
  return (await gitOk(repo, ["ls-tree", "-z", tip]))
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const m = /^100644 blob ([0-9a-f]{40,64})\t(.+)$/s.exec(line);
      if (!m) throw new NotesUnavailableError(`${notesRef(runId)} holds something other than records: ${JSON.stringify(line.slice(0, 80))}`);
      return { name: m[2]!, sha: m[1]! };
    });
}

/** Every shared run's records as this clone last fetched them, by run id. */
export async function allFetchedRecords(c: ShareConfig): Promise<Map<string, NoteRecord[]>> {
  const tips = await refsUnder(c.repo, `${trackingPrefix(c.remote)}notes/`);
  const out = new Map<string, NoteRecord[]>();
  for (const [runId, tip] of tips) out.set(runId, await recordsAt(c.repo, tip));
  return out;
}
