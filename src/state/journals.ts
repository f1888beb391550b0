import { existsSync } from "node:fs";
import path from "node:path";
import { fsyncDir, JournalWriter, scanJournal, type WriterOptions } from "../journal/store.js";
import type { JournalEvent } from "../journal/events.js";
import type { ScanResult } from "../journal/store.js";
import { createFold, type RunState } from "../run/state.js";
import type { JournalStore } from "../run/world.js";
import { ensureStateSubdir, journalPath, listRunIds, runsDir } from "./layout.js";

/** Journals as files in the state folder's `runs/`. */
export function fileJournalStore(state: string, options: WriterOptions = {}): JournalStore {
  return {
    location: state,
    pathOf: (runId) => journalPath(state, runId),
    exists: (runId) => existsSync(journalPath(state, runId)),
    list: () => listRunIds(state),
    create: (runId, first) => {
      const made = ensureStateSubdir(state, runsDir(state));
      const { writer, event } = JournalWriter.create(journalPath(state, runId), first, options);
      // A folder made just now must reach the disk too, or the journal in it may not.
      if (made !== undefined) {
        // Every folder that gained an entry just now: the parent of each folder made.
        for (let d = runsDir(state); ; d = path.dirname(d)) {
          fsyncDir(path.dirname(d));
          if (path.resolve(d) === path.resolve(made) || path.dirname(d) === d) break;
        }
      }
      return { sink: writer, event };
    },
    scan: (runId, onEvent, limit) => scanJournal(journalPath(state, runId), onEvent, limit),
    continue: (runId, scanned) => JournalWriter.continue(journalPath(state, runId), scanned, options),
  };
}

/** A run's state from its journal, read as a stream; `onEvent` sees each event on the way. */
export function readRun(store: JournalStore, runId: string, onEvent?: (e: JournalEvent) => void): { state: RunState; scanned: ScanResult } {
  const fold = createFold();
  const scanned = store.scan(runId, (e) => {
    fold.add(e);
    onEvent?.(e);
  });
  return { state: fold.result(), scanned };
}
