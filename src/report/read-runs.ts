import type { JournalStore } from "../run/world.js";
import type { EventOf } from "../journal/events.js";
import { readRun } from "../run/read-run.js";
import type { RunbookFacts } from "./step-facts.js";
import { summarize, type Holder, type RunSummary } from "./run-summary.js";

/** A run read from its journal, or why it could not be. */
export type RunRead = { readonly runId: string; readonly summary: RunSummary; readonly torn: boolean } | { readonly runId: string; readonly error: string };

/** Every run in the store, oldest first, through the one fold; a journal that cannot be read says why. */
/** `factsOf`: what a run's runbook says of its steps (cli/runbook-facts.ts), for the reports that say it. */
export function readSummaries(store: JournalStore, holderOf: (runbookId: string, runId: string) => Holder | undefined, factsOf?: (started: EventOf<"run_started">) => RunbookFacts | undefined): RunRead[] {
  return store.list().map((runId): RunRead => {
    try {
      const { state, scanned } = readRun(store, runId);
      return { runId, summary: summarize(state, holderOf(state.started.runbook.id, runId), 5, factsOf?.(state.started)), torn: scanned.torn !== undefined };
    } catch (e) {
      return { runId, error: (e as Error).message };
    }
  });
}
