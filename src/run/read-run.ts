import type { JournalEvent } from "../journal/events.js";
import type { JournalStore, ScanJournal } from "../journal/ports.js";
import type { ScanResult } from "../journal/store.js";
import { createFold, type RunState } from "./state.js";

/** A run as its journal has it: its state through the one fold, and how the scan went (a torn tail). */
export interface ReadRun {
  readonly state: RunState;
  readonly scanned: ScanResult;
}

/**
 * Reads a run from its journal, as a stream, through the one fold; `onEvent` sees each event on the
 * way with the state so far (after the fold took it: a view rendering as it reads needs both), for a
 * caller that shows or keeps some of them. The only place a
 * journal is scanned into a state: `limit` reads only the first events (the first one names the run).
 */
export function readRun(store: Pick<JournalStore, "scan">, runId: string, onEvent?: (e: JournalEvent, state: RunState) => void, limit?: number): ReadRun {
  return foldJournal((on) => store.scan(runId, on, limit), onEvent);
}

/** The same over any journal read as a stream: a file, the shared record streamed from git. */
export function foldJournal(scan: ScanJournal, onEvent?: (e: JournalEvent, state: RunState) => void): ReadRun {
  const fold = createFold();
  const scanned = scan((e) => {
    fold.add(e);
    onEvent?.(e, fold.result());
  });
  return { state: fold.result(), scanned };
}
