import type { EventOf, JournalEvent } from "../journal/events.js";
import type { JournalStore, QueuedNote } from "../journal/ports.js";

/**
 * A store whose journals read with the run's shared notes (refs/runbook/notes/<run-id>, fetched)
 * merged in by time, as `note` events carrying the note's id (`queued`), the way a note taken from
 * the inbox by a runner is journaled. A note its runner already journaled appears once, where it was
 * left. Only what readers see (`runs`, `log`, `handoff`, `stats`): no journal is changed.
 */
/** A record of the notes ref as readers show it: a note, or a handover asked (`handover`) or granted (`grant`) told in words. */
export interface SharedNote extends QueuedNote {
  readonly kind: "note" | "handover" | "grant";
}

export function withSharedNotes(store: JournalStore, notesOf: (runId: string) => readonly SharedNote[]): JournalStore {
  return {
    ...store,
    scan: (runId, onEvent, limit) => {
      const notes = notesOf(runId);
      // A scan for the first events (the run's header) is not the run's story: nothing merged.
      if (notes.length === 0 || limit !== undefined) return store.scan(runId, onEvent, limit);
      const merge = mergeNotes(notes, onEvent);
      const scanned = store.scan(runId, merge.onEvent);
      merge.end();
      return scanned;
    },
  };
}

/**
 * Feeds journal events through, putting each note before the first event after it (never before the
 * run's first event), and the rest at the end. A journaled copy of a note already put in is dropped.
 * A handover asked or granted is the runner's to journal (`handover_asked`, `released`): only one
 * it never journaled (it had stopped) is told, at the end. Pure over its callbacks, for tests.
 */
export function mergeNotes(all: readonly SharedNote[], onEvent: (e: JournalEvent) => void): { onEvent(e: JournalEvent): void; end(): void } {
  const byTime = (a: QueuedNote, b: QueuedNote) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id);
  const sorted = all.filter((n) => n.kind === "note").sort(byTime);
  const handovers = all.filter((n) => n.kind !== "note").sort(byTime);
  const asked = new Set<string>();
  let releasedAt = "";
  const journaled = new Set<string>();
  const given = new Set<string>();
  let at = 0;
  let last: JournalEvent | undefined;
  const give = (n: QueuedNote) => {
    given.add(n.id);
    const e: EventOf<"note"> = { v: last!.v, seq: last!.seq, ts: n.at, type: "note", text: n.text, by: n.by, queued: { id: n.id, at: n.at } };
    onEvent(e);
  };
  return {
    onEvent(e) {
      if (last !== undefined) {
        for (; at < sorted.length && Date.parse(sorted[at]!.at) < Date.parse(e.ts); at++) if (!journaled.has(sorted[at]!.id)) give(sorted[at]!);
      }
      if (e.type === "handover_asked") asked.add(e.id);
      if (e.type === "released") releasedAt = e.ts;
      if (e.type === "note" && e.queued) {
        if (given.has(e.queued.id)) return;
        journaled.add(e.queued.id);
      }
      last = e;
      onEvent(e);
    },
    end() {
      if (last === undefined) return;
      for (; at < sorted.length; at++) if (!journaled.has(sorted[at]!.id)) give(sorted[at]!);
      for (const h of handovers) if (h.kind === "handover" ? !asked.has(h.id) : releasedAt < h.at) give(h);
    },
  };
}
