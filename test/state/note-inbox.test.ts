import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fileNoteInbox } from "../../src/state/note-inbox.js";
import { tempDir } from "../helpers/tmp.js";

const RUN = "20261128T120000Z-db-failover-ab12";

describe("a run's note inbox (files beside its journal)", () => {
  it("keeps each note whole and private, oldest first, and goes away when emptied", async () => {
    const state = await tempDir("runbook-inbox-");
    const inbox = fileNoteInbox(state);
    const b = inbox.queue(RUN, { by: "bob", text: "second", at: "2026-11-28T12:00:02.000Z" });
    const a = inbox.queue(RUN, { by: "carol", text: "first\nwith a newline", at: "2026-11-28T12:00:01.000Z" });
    const dir = path.join(state, "runs", `${RUN}.jsonl.notes`);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, `${a.id}.json`)).mode & 0o777).toBe(0o600);
    // Something that is not a whole note is left alone.
    writeFileSync(path.join(dir, "20261128T120000000Z-deadbeef.json"), "{\"id\":");
    expect(inbox.queued(RUN).map((q) => [q.by, q.text])).toEqual([["carol", "first\nwith a newline"], ["bob", "second"]]);
    inbox.drop(RUN, a.id);
    inbox.drop(RUN, b.id);
    inbox.drop(RUN, "20261128T120000000Z-deadbeef");
    expect(existsSync(dir)).toBe(false);
    expect(inbox.queued(RUN)).toEqual([]);
  });

  it("never follows a symbolic link where the inbox should be, and refuses a run id that is a path", async () => {
    const state = await tempDir("runbook-inbox-");
    const elsewhere = await tempDir("runbook-inbox-target-");
    mkdirSync(path.join(state, "runs"), { recursive: true });
    writeFileSync(path.join(elsewhere, "20261128T120000000Z-0000aaaa.json"), JSON.stringify({ id: "20261128T120000000Z-0000aaaa", at: "x", by: "mallory", text: "forged" }));
    symlinkSync(elsewhere, path.join(state, "runs", `${RUN}.jsonl.notes`));
    const inbox = fileNoteInbox(state);
    expect(inbox.queued(RUN)).toEqual([]);
    expect(() => inbox.queue(RUN, { by: "x", text: "y", at: "2026-11-28T12:00:00.000Z" })).toThrow(/not a folder/);
    expect(readdirSync(elsewhere)).toHaveLength(1);
    expect(() => inbox.queue("../../etc", { by: "x", text: "y", at: "2026-11-28T12:00:00.000Z" })).toThrow(/not a run id/);
  });
});
