import { describe, expect, it } from "vitest";
import type { JournalEvent } from "../../src/journal/events.js";
import { mergeNotes, type SharedNote } from "../../src/report/merged-notes.js";

const ev = (seq: number, ts: string, rest: Record<string, unknown>) => ({ v: 7, seq, ts: `2026-12-02T10:00:${ts}Z`, ...rest }) as JournalEvent;
const note = (id: string, ts: string, kind: SharedNote["kind"] = "note"): SharedNote => ({ id, at: `2026-12-02T10:00:${ts}Z`, by: "bob", text: `${kind} ${id}`, kind });

function merged(notes: SharedNote[], journal: JournalEvent[]): string[] {
  const out: string[] = [];
  const m = mergeNotes(notes, (e) => out.push(e.type === "note" ? `note:${e.queued?.id ?? e.text}` : e.type));
  for (const e of journal) m.onEvent(e);
  m.end();
  return out;
}

describe("shared notes merged with a journal by time", () => {
  const journal = [ev(1, "00", { type: "run_started" }), ev(2, "10", { type: "attempt_started" }), ev(3, "20", { type: "attempt_finished" })];

  it("puts each note before the first event after it, never before the run's first, the rest at the end", () => {
    expect(merged([note("c", "25"), note("a", "05"), note("early", "00")], journal)).toEqual(["run_started", "note:early", "note:a", "attempt_started", "attempt_finished", "note:c"]);
  });

  it("a note its runner journaled (same id) appears once, where it was left", () => {
    const withCopy = [...journal, ev(4, "30", { type: "note", text: "x", by: "bob", queued: { id: "a", at: "2026-12-02T10:00:05Z" } })];
    expect(merged([note("a", "05")], withCopy)).toEqual(["run_started", "note:a", "attempt_started", "attempt_finished"]);
  });

  it("a handover request the runner journaled is its handover_asked; one it never saw (it had stopped) is told at the end", () => {
    const seen = [...journal, ev(4, "30", { type: "handover_asked", id: "h1", by: "bob", host: "b" })];
    expect(merged([note("h1", "15", "handover")], seen)).toEqual(["run_started", "attempt_started", "attempt_finished", "handover_asked"]);
    expect(merged([note("h1", "15", "handover")], journal)).toEqual(["run_started", "attempt_started", "attempt_finished", "note:h1"]);
  });

  it("nothing is merged into an empty journal", () => {
    expect(merged([note("a", "05")], [])).toEqual([]);
  });
});
