import type { NoteInbox } from "../state/note-inbox.js";
import type { RunJournal } from "./run-journal.js";

/**
 * Journals the notes left in a run's inbox while it was live (`runbook note`), oldest first, then
 * deletes them. A note already journaled (the process died between the two) is only deleted, so a
 * note is never journaled twice. Only the journal's writer calls this.
 */
export function journalQueuedNotes(journal: RunJournal, inbox: NoteInbox, runId: string): number {
  const journaled = new Set(journal.state.notes.map((n) => n.queued));
  let added = 0;
  for (const q of inbox.queued(runId)) {
    if (!journaled.has(q.id)) {
      journal.append({ type: "note", text: q.text, by: q.by, queued: { id: q.id, at: q.at } });
      added++;
    }
    inbox.drop(runId, q.id);
  }
  return added;
}

/** How often a live run looks for notes: a colleague's note reaches the operator's screen this fast. */
export const NOTE_POLL_MS = 500;

/**
 * While a session writes a run: journals queued notes now, then every `NOTE_POLL_MS` (the timer does
 * not keep the process alive), and once more when stopped, before the journal is closed.
 */
export function watchQueuedNotes(journal: RunJournal, inbox: NoteInbox, runId: string, everyMs = NOTE_POLL_MS): { stop(): void } {
  const take = () => {
    try {
      journalQueuedNotes(journal, inbox, runId);
    } catch {
      // A note that cannot be journaled now stays in the inbox for the next pass or the next writer;
      // it never stops the run.
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  timer.unref();
  // A shared run's notes ref is fetched in the background meanwhile: what it brings is taken here.
  const watch = inbox.watch?.(runId);
  return {
    stop() {
      clearInterval(timer);
      watch?.stop();
      take();
    },
  };
}
