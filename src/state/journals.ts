import { existsSync } from "node:fs";
import os from "node:os";
import { JournalWriter, scanJournal, type WriterOptions } from "../journal/store.js";
import { JournalError } from "../core/errors.js";
import { RUN_ID_PATTERN } from "../journal/run-id.js";
import type { JournalStore } from "../journal/ports.js";
import { journalPath, listRunIds, makeStateSubdir, runsDir } from "./state-dir.js";
import { holdsWriterLock } from "./lock.js";
import { fileNoteInbox } from "./note-inbox.js";
import { stateFolderId } from "./folder-id.js";

/**
 * Journals as files in the state folder's `runs/`. It writes a journal only while this process holds
 * the journal's writer lock (the session takes it with the runbook's lock): two processes never
 * write one journal.
 */
export function fileJournalStore(state: string, options: WriterOptions = {}): JournalStore {
  const me = { host: os.hostname(), pid: process.pid };
  const writable = (runId: string) => {
    const file = journalPath(state, runId);
    if (!holdsWriterLock(file, me)) throw new JournalError(`cannot write journal ${file}: this process does not hold its writer lock (${file}.lock)`, { hint: "Another process may be writing it: see `runbook runs`." });
    return file;
  };
  let folder: string | undefined;
  return {
    location: state,
    folderId: () => (folder ??= stateFolderId(state)),
    pathOf: (runId) => journalPath(state, runId),
    // A run id from someone else (a lock, a lease) that is no run id names no journal: false, not an error.
    exists: (runId) => RUN_ID_PATTERN.test(runId) && existsSync(journalPath(state, runId)),
    list: () => listRunIds(state),
    create: (runId, first) => {
      makeStateSubdir(state, runsDir(state));
      const { writer, event } = JournalWriter.create(writable(runId), first, options);
      return { sink: writer, event };
    },
    scan: (runId, onEvent, limit) => scanJournal(journalPath(state, runId), onEvent, limit),
    continue: (runId, scanned) => JournalWriter.continue(writable(runId), scanned, options),
    notes: fileNoteInbox(state),
  };
}
