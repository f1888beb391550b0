import { readFileSync, writeFileSync, appendFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { JournalCorruptError, JournalWriter, parseJournal, readJournal } from "../../src/journal/store.js";
import { tempDir } from "../helpers/tmp.js";

const started = {
  type: "run_started" as const,
  runId: "20261127T000000Z-x-abcd",
  runbook: { id: "x", file: "/x.md", sha256: "00", title: null },
  git: null,
  operator: "op",
  host: "h",
  pid: 1,
  params: {},
  secrets: [],
  order: ["a"],
  options: { onFailure: "abort" as const, yes: true, record: false },
};

async function journalWithEvents(n: number): Promise<string> {
  const file = path.join(await tempDir(), "runs", "r.jsonl");
  const w = JournalWriter.create(file);
  w.append(started);
  for (let i = 1; i < n; i++) w.append({ type: "attempt_started", target: "a", phase: "command", attempt: i });
  w.close();
  return file;
}

describe("journal store", () => {
  it("numbers events and reads them back", async () => {
    const file = await journalWithEvents(3);
    const r = readJournal(file);
    expect(r.events.map((e) => [e.seq, e.type])).toEqual([[1, "run_started"], [2, "attempt_started"], [3, "attempt_started"]]);
    expect(r.torn).toBeUndefined();
  });

  it("drops a last line cut at any byte, and reports it", async () => {
    const file = await journalWithEvents(3);
    const text = readFileSync(file, "utf8");
    const lastStart = text.lastIndexOf("\n", text.length - 2) + 1;
    for (let cut = lastStart; cut < text.length; cut++) {
      const r = parseJournal(text.slice(0, cut));
      expect(r.events, `cut at ${cut}`).toHaveLength(2);
      if (cut > lastStart) expect(r.torn, `cut at ${cut}`).toMatchObject({ line: 3 });
    }
  });

  it("refuses a damaged line in the middle", async () => {
    const file = await journalWithEvents(3);
    const lines = readFileSync(file, "utf8").split("\n");
    lines[1] = lines[1]!.replace('"attempt":1', '"attempt":7');
    expect(() => parseJournal(lines.join("\n"))).toThrow(JournalCorruptError);
    const dropped = readFileSync(file, "utf8").split("\n");
    dropped.splice(1, 1);
    expect(() => parseJournal(dropped.join("\n"))).toThrow(/expected event 2, found 3/);
  });

  it("cuts a torn tail before appending again", async () => {
    const file = await journalWithEvents(2);
    appendFileSync(file, '{"v":1,"seq":3,"ts":"2026');
    const { writer, read } = JournalWriter.resume(file);
    expect(read.torn).toBeDefined();
    writer.append({ type: "attempt_started", target: "a", phase: "command", attempt: 9 });
    writer.close();
    const again = readJournal(file);
    expect(again.torn).toBeUndefined();
    expect(again.events.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it("refuses an unknown journal version", async () => {
    const file = await journalWithEvents(1);
    writeFileSync(file, readFileSync(file, "utf8").replace('"v":1', '"v":9'));
    expect(() => parseJournal(readFileSync(file, "utf8") + readFileSync(file, "utf8"))).toThrow(JournalCorruptError);
  });

  it("refuses to create over an existing journal", async () => {
    const file = await journalWithEvents(1);
    expect(() => JournalWriter.create(file)).toThrow(/cannot write journal/);
  });
});
