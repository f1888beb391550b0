import type { JournalStore } from "../run/world.js";
import { readRun } from "../run/read-run.js";
import { summarize, type Holder, type RunSummary } from "./run-summary.js";

/** A run read from its journal, or why it could not be. */
export type RunRead = { readonly runId: string; readonly summary: RunSummary; readonly torn: boolean } | { readonly runId: string; readonly error: string };

/** Every run in the store, oldest first, through the one fold; a journal that cannot be read says why. */
export function readSummaries(store: JournalStore, holderOf: (runbookId: string, runId: string) => Holder | undefined): RunRead[] {
  return store.list().map((runId): RunRead => {
    try {
      const { state, scanned } = readRun(store, runId);
      return { runId, summary: summarize(state, holderOf(state.started.runbook.id, runId)), torn: scanned.torn !== undefined };
    } catch (e) {
      return { runId, error: (e as Error).message };
    }
  });
}
