import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseOutputLimit } from "../../src/model/output-size.js";
import { OutputLimit, type Piece } from "../../src/run/output-limit.js";

const isNote = (p: Piece) => p.stream === "stderr" && p.text.replace(/^\n/, "").startsWith("[runbook: ");
const bytes = (s: string) => Buffer.byteLength(s);

describe("the output limit of one attempt", () => {
  it("passes output under the limit as it comes, and adds nothing at the end", () => {
    const bound = new OutputLimit(4096);
    expect(bound.push("stdout", "a".repeat(1000))).toEqual([{ stream: "stdout", text: "a".repeat(1000) }]);
    expect(bound.push("stderr", "b".repeat(1048))).toEqual([{ stream: "stderr", text: "b".repeat(1048) }]);
    expect(bound.end()).toEqual([]);
  });

  it("keeps the first and the last half of a flood, in their streams, and says how many bytes were cut where", () => {
    const bound = new OutputLimit(4096);
    const out: Piece[] = [];
    for (let i = 0; i < 1000; i++) out.push(...bound.push(i % 10 === 9 ? "stderr" : "stdout", `${String(i).padStart(4, "0")}\n`));
    out.push(...bound.end());
    const notes = out.filter(isNote);
    expect(notes).toHaveLength(2);
    expect(notes[0]!.text).toBe("\n[runbook: this block's output passed 2 KiB; the rest is held, and only its last 2 KiB will be journaled, when the block ends]\n");
    expect(notes[1]!.text).toBe("[runbook: 904 bytes of output cut here (the output limit is 4 KiB per block)]\n");
    const kept = out.filter((p) => !isNote(p));
    expect(kept.reduce((n, p) => n + bytes(p.text), 0)).toBe(4096);
    const text = kept.map((p) => p.text).join("");
    expect(text.startsWith("0000\n0001\n")).toBe(true);
    expect(text.endsWith("0998\n0999\n")).toBe(true);
    // The cut is where the second note is.
    const at = out.indexOf(notes[1]!);
    expect(out.slice(0, at).filter((p) => !isNote(p)).map((p) => p.text).join("")).toHaveLength(2048);
    for (const p of kept) for (const line of p.text.split("\n").filter((l) => l.length === 4)) expect(p.stream === "stderr").toBe(Number(line) % 10 === 9);
  });

  it("never cuts a character, never journals more than the limit, and accounts for every byte (property)", () => {
    const piece = fc.record({ stream: fc.constantFrom("stdout" as const, "stderr" as const), text: fc.string({ unit: "grapheme", maxLength: 300 }) });
    fc.assert(
      fc.property(fc.integer({ min: 2048, max: 6000 }), fc.array(piece, { maxLength: 120 }), (limit, pieces) => {
        const bound = new OutputLimit(limit);
        const out: Piece[] = [];
        for (const p of pieces) out.push(...bound.push(p.stream, p.text));
        out.push(...bound.end());
        const all = pieces.map((p) => p.text).join("");
        const kept = out.filter((p) => !isNote(p));
        const keptText = kept.map((p) => p.text).join("");
        const total = bytes(all);
        if (total <= limit) {
          expect(keptText).toBe(all);
          expect(out.filter(isNote)).toEqual([]);
          return;
        }
        expect(bytes(keptText)).toBeLessThanOrEqual(limit);
        expect(keptText).not.toContain("\uFFFD");
        const cut = out.find((p) => isNote(p) && p.text.includes("bytes of output cut here"));
        const dropped = cut ? Number(/\[runbook: ([\d,]+) bytes/.exec(cut.text)![1]!.replace(/,/g, "")) : 0;
        expect(bytes(keptText) + dropped).toBe(total);
        const at = cut ? out.indexOf(cut) : out.length;
        const head = out.slice(0, at).filter((p) => !isNote(p)).map((p) => p.text).join("");
        const tail = out.slice(at).filter((p) => !isNote(p)).map((p) => p.text).join("");
        expect(all.startsWith(head)).toBe(true);
        expect(all.endsWith(tail)).toBe(true);
      }),
    );
  });

  it("reads sizes as bytes, KiB, MiB and GiB, from 2 KiB to 1 GiB", () => {
    expect(parseOutputLimit("16MiB")).toBe(16 * 1024 * 1024);
    expect(parseOutputLimit("512 KiB")).toBe(512 * 1024);
    expect(parseOutputLimit("1G")).toBe(1024 ** 3);
    expect(parseOutputLimit(4096)).toBe(4096);
    expect(parseOutputLimit("4096")).toBe(4096);
    for (const bad of ["", "16 MB", "16mib", "-1", "1.5MiB", "2GiB", "1K", 100]) expect(parseOutputLimit(bad), String(bad)).toBeUndefined();
  });
});
