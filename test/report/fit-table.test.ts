import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runsTable } from "../../src/cli/commands/runs.js";
import { fitTable, wrap } from "../../src/report/fit-table.js";

describe("a table that fits 80 columns", () => {
  it("wraps a long cell at spaces within its column, cuts a word wider than it, and keeps narrow tables as they are", () => {
    expect(wrap("handover; resume after lease", 12)).toEqual(["handover;", "resume after", "lease"]);
    expect(wrap("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
    expect(fitTable([{ head: "A", min: 1 }, { head: "B", min: 1 }], [["x", "y"]], 80)).toBe("A  B\nx  y\n");
  });

  it("`runs` rows of any text never make a line wider than 80 columns, and lose no word", () => {
    const cell = fc.string({ unit: fc.constantFrom("a", "b", "-", " ", "(", ")", "@", "1"), maxLength: 120 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: fc.constantFrom("2", "T", "Z", "-", "x"), minLength: 1, maxLength: 60 }), cell, cell, cell, cell), { maxLength: 6 }), (rows) => {
        const table = runsTable(rows.map(([id, title, state, step, next]) => [`${id}\n${title}`, state, step, next]));
        for (const line of table.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
        // Every word of every cell is still there (a word wider than its column is cut, not dropped).
        const letters = (s: string) => s.replace(/\s/g, "").length;
        expect(letters(table)).toBe(letters(["RUN", "STATE", "STEP", "NEXT", ...rows.flatMap((r) => r)].join("")));
      }),
    );
  });
});
