import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JournalCorruptError, JournalError } from "../../src/core/errors.js";
import { JOURNAL_VERSION, type NewEvent } from "../../src/journal/events.js";
import { sealLine, unsealLine } from "../../src/journal/checksum.js";
import { JournalWriter, readJournal } from "../../src/journal/store.js";
import { tempDir } from "../helpers/tmp.js";

const started = {
  type: "run_started" as const,
  runId: "20261127T000000Z-x-abcd",
  runbook: { id: "x", file: "/x.md", path: "x.md", base: "repository" as const, sha256: "00", title: null },
  git: null,
  operator: "op",
  host: "h",
  pid: 1,
  params: {},
  secrets: [],
  order: ["a"],
  options: { onFailure: "abort" as const, yes: true, record: false },
};

const attempt = (i: number): NewEvent => ({ type: "attempt_started", target: "a", phase: "command", attempt: i });

async function journalWithEvents(n: number, more: (i: number) => NewEvent = attempt): Promise<string> {
  const file = path.join(await tempDir(), "runs", "r.jsonl");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(path.dirname(file), { recursive: true });
  const { writer } = JournalWriter.create(file, started);
  for (let i = 1; i < n; i++) writer.append(more(i));
  writer.close();
  return file;
}

describe("journal store", () => {
  it("numbers events and reads them back", async () => {
    const file = await journalWithEvents(3);
    const r = readJournal(file);
    expect(r.events.map((e) => [e.seq, e.type])).toEqual([[1, "run_started"], [2, "attempt_started"], [3, "attempt_started"]]);
    expect(r.torn).toBeUndefined();
  });

  it("creates a journal with its first event in one step: no empty file, no temporary file left, private to its owner", async () => {
    const file = await journalWithEvents(1);
    expect(readJournal(file).events).toHaveLength(1);
    expect(readdirSync(path.dirname(file))).toEqual(["r.jsonl"]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("drops a last line cut at any byte, reports it, and keeps a complete last line that only lacks its newline", async () => {
    const file = await journalWithEvents(3);
    const text = readFileSync(file, "utf8");
    const lastStart = text.lastIndexOf("\n", text.length - 2) + 1;
    for (let cut = lastStart; cut <= text.length; cut++) {
      writeFileSync(file, text.slice(0, cut));
      const r = readJournal(file);
      if (cut >= text.length - 1) {
        // Complete: with or without its newline, the event is kept.
        expect(r.events, `cut at ${cut}`).toHaveLength(3);
        expect(r.torn).toBeUndefined();
        expect(r.missingNewline).toBe(cut === text.length - 1);
      } else {
        expect(r.events, `cut at ${cut}`).toHaveLength(2);
        if (cut > lastStart) expect(r.torn, `cut at ${cut}`).toMatchObject({ line: 3 });
      }
    }
  });

  it("keeps a first event that lacks only its newline, and ends the line before appending (it is never wiped)", async () => {
    const file = await journalWithEvents(1);
    truncateSync(file, statSync(file).size - 1);
    const read = readJournal(file);
    expect(read.events).toHaveLength(1);
    const w = JournalWriter.continue(file, read);
    w.append(attempt(1));
    w.close();
    expect(readJournal(file).events.map((e) => e.type)).toEqual(["run_started", "attempt_started"]);
  });

  it("refuses a damaged line in the middle, a gap, and a last line changed after it was written", async () => {
    const file = await journalWithEvents(3);
    const lines = readFileSync(file, "utf8").split("\n");
    writeFileSync(file, [lines[0], lines[1]!.replace('"attempt":1', '"attempt":7'), lines[2], ""].join("\n"));
    expect(() => readJournal(file)).toThrow(JournalCorruptError);
    writeFileSync(file, [lines[0], lines[2], ""].join("\n"));
    expect(() => readJournal(file)).toThrow(/expected event 2, found 3/);
    writeFileSync(file, [lines[0], lines[1], lines[2]!.replace('"attempt":2', '"attempt":5'), ""].join("\n"));
    expect(() => readJournal(file)).toThrow(/changed after it was written/);
  });

  it("cuts a torn tail before appending again", async () => {
    const file = await journalWithEvents(2);
    appendFileSync(file, '{"v":3,"seq":3,"ts":"2026');
    const read = readJournal(file);
    expect(read.torn).toBeDefined();
    const writer = JournalWriter.continue(file, read);
    writer.append(attempt(9));
    writer.close();
    const again = readJournal(file);
    expect(again.torn).toBeUndefined();
    expect(again.events.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it("refuses an unknown journal version, saying a newer runbook wrote it; reads version 1", async () => {
    const file = await journalWithEvents(2);
    const lines = readFileSync(file, "utf8").split("\n");
    // Rewrite a line as another version would have written it, sealed.
    const as = (v: number, line: string, drop = "") => sealLine(unsealLine(line)!.replace(`"v":${JOURNAL_VERSION}`, `"v":${v}`).replace(drop, ""));
    writeFileSync(file, [lines[0], as(9, lines[1]!), ""].join("\n"));
    expect(() => readJournal(file)).toThrow(/unknown journal version 9 .*newer runbook/);
    writeFileSync(file, [as(1, lines[0]!, ',"path":"x.md","base":"repository"'), as(1, lines[1]!), ""].join("\n"));
    expect(readJournal(file).events.map((e) => [e.v, e.type])).toEqual([[1, "run_started"], [1, "attempt_started"]]);
  });

  it("refuses to create over an existing journal, and refuses a journal that holds no event", async () => {
    const file = await journalWithEvents(1);
    expect(() => JournalWriter.create(file, started)).toThrow(/cannot write journal .*already exists/);
    writeFileSync(file, "");
    const empty = readJournal(file);
    expect(empty.events).toEqual([]);
    expect(() => JournalWriter.continue(file, empty)).toThrow(JournalError);
    expect(readFileSync(file, "utf8")).toBe("");
  });

  it("refuses to follow a symbolic link, and never writes through one", async () => {
    const dir = await tempDir();
    const target = path.join(dir, "precious.txt");
    writeFileSync(target, "keep me\n");
    const link = path.join(dir, "r.jsonl");
    symlinkSync(target, link);
    expect(() => readJournal(link)).toThrow(/symbolic link/);
    expect(() => JournalWriter.create(link, started)).toThrow(JournalError);
    expect(readFileSync(target, "utf8")).toBe("keep me\n");
    expect(existsSync(`${link}.tmp`)).toBe(false);
  });

  it("reads lines that straddle its read buffer, however long (a stream, not one string)", async () => {
    const big = "x".repeat(700_000);
    const file = await journalWithEvents(6, (i) => ({ type: "output", target: "a", phase: "command", stream: "stdout", text: `${i}${big}` }));
    const r = readJournal(file);
    expect(r.events).toHaveLength(6);
    expect(r.events.map((e) => (e.type === "output" ? e.text.length : 0))).toEqual([0, 700_001, 700_001, 700_001, 700_001, 700_001]);
  });

  it("never throws anything but a journal error, whatever bytes a journal holds (property)", async () => {
    const file = await journalWithEvents(4);
    const good = readFileSync(file);
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 }), fc.boolean(), (at, byte, cut) => {
        const bytes = Buffer.from(good);
        bytes[at] = byte;
        writeFileSync(file, cut ? bytes.subarray(0, at + 1) : bytes);
        try {
          const r = readJournal(file);
          // Whatever is kept is a run of complete events from the start.
          expect(r.events.map((e) => e.seq)).toEqual(r.events.map((_, i) => i + 1));
        } catch (e) {
          expect(e).toBeInstanceOf(JournalError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
