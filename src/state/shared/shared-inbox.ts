import type { HandoverRecord, NoteInbox, QueuedNote } from "../../journal/ports.js";
import { fetchedRecords, fetchNotes, type NoteRecord } from "./notes-ref.js";
import type { ShareConfig } from "./remote.js";

/** How often a live shared run looks at its notes ref by default (`RUNBOOK_SHARE_NOTES_POLL_MS`). */
export const SHARED_NOTES_POLL_MS = 2000;

/**
 * The note inbox of a shared run: this clone's own (a note left from another terminal here) plus the
 * run's notes ref, which a live runner fetches in the background while it runs (`watch`). Notes from
 * the ref are journaled by the runner like any queued note, keeping their id, so they are journaled
 * once; they are never dropped from the ref (it is everyone's record).
 */
export function sharedNoteInbox(local: NoteInbox, config: ShareConfig, pollMs = SHARED_NOTES_POLL_MS): NoteInbox {
  const fetched = new Map<string, readonly NoteRecord[]>();
  return {
    ...local,
    queued: (runId) => {
      const fromRef: QueuedNote[] = (fetched.get(runId) ?? []).filter((r) => r.kind === "note").map((r) => ({ id: r.id, at: r.at, by: r.by, text: r.text }));
      return [...local.queued(runId), ...fromRef].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
    },
    requests: (runId) => (fetched.get(runId) ?? []).filter((r): r is NoteRecord & HandoverRecord => r.kind !== "note"),
    watch: (runId) => {
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      const look = async () => {
        // A remote that does not answer leaves the last records in place: notes wait, the run goes on.
        if ((await fetchNotes(config, runId).catch(() => "failed")) === undefined) fetched.set(runId, await fetchedRecords(config, runId).catch(() => fetched.get(runId) ?? []));
        if (!stopped) {
          timer = setTimeout(() => void look(), pollMs);
          timer.unref();
        }
      };
      void look();
      return {
        stop() {
          stopped = true;
          if (timer) clearTimeout(timer);
        },
      };
    },
  };
}
