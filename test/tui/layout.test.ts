import fc from "fast-check";
import type { Key } from "ink";
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/run/plan.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { buildStepGraph } from "../../src/model/step-graph.js";
import type { ParamEntry } from "../../src/run/param-review.js";
import type { Ask } from "../../src/run/ask.js";
import { displayShell } from "../../src/report/display-values.js";
import { choices, NO_UI, onQuestionKey, type QuestionUi } from "../../src/tui/answer-keys.js";
import { helpLines, runHelp } from "../../src/tui/help.js";
import { keyPresses } from "../../src/tui/keys.js";
import { heightWindow, listWindow, share } from "../../src/tui/fit.js";
import { difference, nearTwins, twinNote } from "../../src/report/near-twins.js";
import { proseLines } from "../../src/tui/prose.js";
import { initialReview, onReviewKey } from "../../src/tui/review-keys.js";
import { reviewTable } from "../../src/tui/review-layout.js";
import { onScreenKey, PLAIN_SCREEN, scrollTop, type ScreenUi } from "../../src/tui/screen-keys.js";
import { lineText, piecesToSpans, splitLines, wrapWords, type StyledLine } from "../../src/tui/styled.js";
import { valueLines } from "../../src/tui/value-lines.js";
import { printableLine } from "../../src/core/printable.js";
import { readsWhole } from "../helpers/screen-text.js";
import { fence } from "../helpers/runbooks.js";

const none = { return: false, backspace: false, delete: false, escape: false, ctrl: false } as Key;
const keys = (input: string) => keyPresses(input, none);
const nav = (k: Partial<Key>) => keyPresses("", { ...none, ...k } as Key)[0]!;

describe("prose at a width", () => {
  it("re-wraps paragraphs (the source's line breaks go), renders lists, inline code and links, and never runs past the width", () => {
    const md = "Make the old primary read-only so that no client\ncan write to both servers at once.\n\n1. Run `pg_ctl promote` on the\n   replica.\n2. See [the docs](https://example.com/x).\n\n> Careful.\n";
    const out = proseLines(md, 30, new Map()).map(lineText);
    expect(out).toEqual([
      "Make the old primary read-only",
      "so that no client can write to",
      "both servers at once.",
      "1. Run pg_ctl promote on the",
      "   replica.",
      "2. See the docs",
      "   (https://example.com/x).",
      "│ Careful.",
    ]);
    expect(proseLines(md, 30, new Map())[3]).toContainEqual({ text: "pg_ctl", style: "code" });
  });

  it("never makes a line longer than the width (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30 }), { maxLength: 20 }), fc.integer({ min: 5, max: 100 }), (words, width) => {
        for (const line of wrapWords([{ text: words.join(" "), style: "plain" }], width, "• ", "  ")) expect(Array.from(lineText(line)).length).toBeLessThanOrEqual(width);
      }),
    );
  });
});

describe("layout", () => {
  it.each([
    [20, 7, 10],
    [20, 30, 12],
    [54, 30, 9],
    [8, 30, 9],
  ])("shares %i lines between %i steps and a panel that wants %i: never more than there is, output at least 3 when it can", (free, steps, panel) => {
    const b = share(free, steps, panel);
    expect(b.list + b.panel + b.output).toBeLessThanOrEqual(Math.max(free, b.list + b.panel + 1));
    expect(b.list).toBeLessThanOrEqual(steps);
    if (free >= 10) expect(b.output).toBeGreaterThanOrEqual(3);
  });

  it("lends the room a finished output does not need to the panel", () => {
    expect(share(20, 2, 14, 4)).toEqual({ list: 2, panel: 14, output: 4 });
    expect(share(20, 2, 14)).toEqual({ list: 2, panel: 9, output: 9 });
  });

  it("scrolls a list around its focus, markers included, in exactly the height (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 3, max: 30 }), fc.nat(), (count, height, f) => {
        const focus = f % count;
        const w = listWindow(count, focus, height);
        expect(w.start).toBeLessThanOrEqual(focus);
        expect(w.end).toBeGreaterThan(focus);
        expect(w.above).toBe(w.start);
        expect(w.below).toBe(count - w.end);
        expect(w.end - w.start + (w.above ? 1 : 0) + (w.below ? 1 : 0)).toBe(Math.min(count, height));
      }),
    );
  });
});

describe("keys at a question", () => {
  const rb = buildRunbook("/x.md", `---\nid: k\nowner: o\n---\n# K\n## Steps\n### Change {#change}\n${fence("sh confirm", "x")}${fence("sh rollback", "y")}### Promote {#promote}\n${fence('sh confirm irreversible="no way back"', "p")}`);
  const plan = buildPlan(rb, buildStepGraph(rb), "/x.md");
  const confirm = { kind: "confirm" as const, step: plan.steps[0]! };
  const irreversible = { kind: "confirm" as const, step: plan.steps[1]! };
  const failed = { kind: "failed" as const, step: plan.steps[0]!, phase: "command" as const, result: { exitCode: 1, signal: null, timedOut: false, durationMs: 1, error: undefined, retryInMs: null, interrupted: false }, output: "" };
  const rollback = { kind: "rollback" as const, step: plan.steps[0]!, items: [] };
  function press(q: Parameters<typeof onQuestionKey>[0], input: string): { ui: QuestionUi; answers: string[] } {
    let ui = NO_UI;
    const answers: string[] = [];
    for (const k of keys(input)) {
      const r = onQuestionKey(q, ui, k);
      ui = r.ui;
      if (r.answer !== undefined) answers.push(r.answer);
    }
    return { ui, answers };
  }

  it("abort, and skip after a failure, take the same key again or Enter; anything else cancels", () => {
    expect(press(confirm, "a").answers).toEqual([]);
    expect(press(confirm, "aa").answers).toEqual(["abort"]);
    expect(press(confirm, "a\r").answers).toEqual(["abort"]);
    expect(press(confirm, "ax").ui.hint).toBe("Cancelled: did not abort.");
    expect(press(confirm, "axy").answers).toEqual(["yes"]);
    expect(press(failed, "s").answers).toEqual([]);
    expect(press(failed, "ss").answers).toEqual(["skip"]);
    expect(press(failed, "r").answers).toEqual(["retry"]);
    expect(press(failed, "b").answers).toEqual(["rollback"]);
  });

  it("the rollback preview is the confirmation of b: b, y or Enter rolls back; n, q or Esc does not", () => {
    for (const k of ["b", "y", "\r"]) expect(press(rollback, k).answers).toEqual(["yes"]);
    for (const k of ["n", "q", "\u001b"]) expect(press(rollback, k).answers).toEqual(["no"]);
  });

  it("n, q and Esc at a confirmation say what to press instead", () => {
    expect(press(confirm, "n").ui.hint).toBe("n does nothing here: s to skip, a to abort the run.");
    expect(press(confirm, "q").ui.hint).toBe("q does nothing here: s to skip, a to abort the run.");
    expect(press(confirm, "\u001b").ui.hint).toBe("Esc does nothing here: s to skip, a to abort the run.");
    expect(press(confirm, "z").ui.hint).toBe("z does nothing here: y run, s skip, a abort.");
  });

  it("an irreversible step runs only when its id is typed", () => {
    expect(press(irreversible, "y\r")).toMatchObject({ answers: [], ui: { hint: '"y" is not promote: type the step id to run this irreversible step.' } });
    expect(press(irreversible, "promot\r").answers).toEqual([]);
    expect(press(irreversible, "promote\r").answers).toEqual(["yes"]);
    expect(press(irreversible, "prom\u0015promote\r").answers).toEqual(["yes"]);
    expect(press(irreversible, "\u001bs").answers).toEqual(["skip"]);
    expect(press(irreversible, "\u001baa").answers).toEqual(["abort"]);
    expect(press(irreversible, "\u001b\u001bpromote\r").answers).toEqual(["yes"]);
  });

  const barrier = { ...rollback, barrier: { target: "promote", title: "Promote", reason: "no way back", beyond: [{ target: "fence", label: "fence: Fence", action: "echo unfence", runs: true }] } };

  it("at a barrier, y rolls back to it; p opens the field and only the step id and Enter go past it; Esc goes back", () => {
    for (const k of ["y", "b", "\r"]) expect(press(barrier, k).answers).toEqual(["yes"]);
    expect(press(barrier, "n").answers).toEqual(["no"]);
    expect(press(barrier, "promote\r").answers).toEqual([]);
    expect(press(barrier, "ppromote\r").answers).toEqual(["past"]);
    expect(press(barrier, "pfence\r")).toMatchObject({ answers: [], ui: { hint: '"fence" is not promote: type the step id to undo what came before the irreversible promote.' } });
    expect(press(barrier, "p\u001by").answers).toEqual(["yes"]);
    expect(choices(barrier).map((c) => c.label)).toEqual(["roll back to promote", "not now"]);
  });

  it("no string of keys goes past a barrier but p, its id and Enter (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 14 }), (typed) => {
        const { answers } = press(barrier, `${typed}\r`);
        if (answers.includes("past")) expect(typed).toMatch(/promote$/);
      }),
    );
  });

  it("no string of keys answers an irreversible step but its id and Enter (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (typed) => {
        const { answers } = press(irreversible, `${typed}\r`);
        if (answers.includes("yes")) expect(typed.replace(/^.*\u0015/s, "")).toMatch(/promote$/);
      }),
    );
  });
});

describe("keys at the param review", () => {
  const entries: ParamEntry[] = [
    { name: "REGION", value: "eu-1", source: "default", secret: false, description: undefined, example: undefined, choices: undefined, defaultValue: "eu-1", validate: (v) => (/^[a-z]+-\d$/.test(v) ? undefined : "bad") },
    { name: "MODE", value: "dry", source: "flag", secret: false, description: undefined, example: undefined, choices: ["dry", "real"], defaultValue: undefined, validate: () => undefined },
    { name: "TOKEN", value: "s3cr3t", source: "environment", secret: true, description: undefined, example: undefined, choices: undefined, defaultValue: undefined, validate: () => undefined },
  ];
  const up = nav({ upArrow: true });
  const down = nav({ downArrow: true });
  function run(ks: ReturnType<typeof keys>) {
    let s = initialReview(entries);
    for (const k of ks) {
      const r = onReviewKey(entries, s, k);
      s = r.state;
      if (r.outcome) return { s, outcome: r.outcome };
    }
    return { s, outcome: undefined };
  }

  it("starts on the start row: Enter starts with the values as they are", () => {
    expect(run(keys("\r")).outcome).toEqual({ start: { REGION: "eu-1", MODE: "dry", TOKEN: "s3cr3t" } });
  });

  it("edits a value, refusing one the declaration does not allow; picks a choice; retypes a secret from nothing", () => {
    const r = run([up, up, up, ...keys("\r\u0015EU\r"), ...keys("\u0015us-2\r"), down, ...keys("\r"), down, ...keys("\r"), down, ...keys("\rnew-token\rs")]);
    expect(r.outcome).toEqual({ start: { REGION: "us-2", MODE: "real", TOKEN: "new-token" } });
    expect(r.s.sources).toEqual({ REGION: "edited", MODE: "edited", TOKEN: "edited" });
    const refused = run([up, up, up, ...keys("\r\u0015EU\r")]);
    expect(refused.s.error).toBe("bad");
    expect(refused.s.editing?.text).toBe("EU");
    expect(run([up, ...keys("\r")]).s.editing?.text).toBe("");
  });

  it("? lists the keys, in the list and in a list of choices; the next key only closes it; in a typed value ? is typed", () => {
    expect(run(keys("?")).s.help).toBe(true);
    expect(run(keys("?s")).outcome).toBeUndefined();
    expect(run(keys("?s")).s.help).toBe(false);
    expect(run(keys("q?q")).outcome).toBeUndefined();
    expect(run([up, up, ...keys("\r?")]).s).toMatchObject({ help: true, editing: { name: "MODE" } });
    expect(run([up, up, ...keys("\r?\r")]).s).toMatchObject({ help: false, editing: { name: "MODE" } });
    expect(run([up, up, up, ...keys("\r\u0015eu-1?")]).s).toMatchObject({ help: false, editing: { text: "eu-1?" } });
  });

  it("Esc cancels an edit; q twice leaves without starting", () => {
    expect(run([up, up, up, ...keys("\rzz\u001b\r")]).s.values.REGION).toBe("eu-1");
    expect(run(keys("qx")).outcome).toBeUndefined();
    expect(run(keys("qq")).outcome).toEqual({ quit: true });
  });
});

describe("values put in a displayed command", () => {
  it("stay on one line: a value's newline is shown as \\n, never as a line of its own", () => {
    const lines = splitLines(piecesToSpans(displayShell('echo "$P"\necho done', new Map([["P", { value: "x\n✔ [9/9] fake-step done", secret: false }]])), "command"));
    expect(lines.map((l) => l.map((s) => s.text).join(""))).toEqual(['echo "x\\n✔ [9/9] fake-step done"', "echo done"]);
  });
});

const PRIMARY = "postgresql://app_admin@orders-db-primary.prod.internal:5432/orders";
const REPLICA = "postgresql://app_admin@orders-db-replica.prod.internal:5432/orders";
/** The text lines of laid-out value lines, caret lines left out: what reads as the value. */
const textOf = (lines: readonly StyledLine[]) => lines.filter((l) => !l.some((s) => s.style === "caret")).map(lineText);

describe("values that look alike", () => {
  it("finds where a primary's URL and a replica's part, in each", () => {
    expect(difference(PRIMARY, REPLICA)).toEqual({ a: [33, 40], b: [33, 40], same: false });
    expect(nearTwins([{ name: "PRIMARY_URL", value: PRIMARY }, { name: "REPLICA_URL", value: REPLICA }, { name: "REGION", value: "eu-1" }])).toEqual(
      new Map([
        ["PRIMARY_URL", [{ name: "REPLICA_URL", from: 33, to: 40, same: false }]],
        ["REPLICA_URL", [{ name: "PRIMARY_URL", from: 33, to: 40, same: false }]],
      ]),
    );
  });

  it.each([
    ["short values, read whole at a glance", "eu-1", "eu-2", undefined],
    ["values that share little", "https://example.com/aaaaaaaa", "https://example.com/bbbbbbbbbbbbbb", undefined],
    ["one with more characters at its end", "https://db.example.com/x", "https://db.example.com/xyz", { a: [24, 24], b: [24, 26], same: false }],
    ["the same value twice", "orders-db-1.prod", "orders-db-1.prod", { a: [0, 0], b: [0, 0], same: true }],
    ["an empty one", "", "orders-db-1.prod", undefined],
  ])("%s", (_what, a, b, expected) => {
    expect(difference(a, b)).toEqual(expected);
  });

  it("says it in words", () => {
    expect(twinNote([{ name: "REPLICA_URL", from: 33, to: 40, same: false }])).toBe("differs from REPLICA_URL at character 34");
    expect(twinNote([{ name: "A", from: 3, to: 4, same: false }, { name: "B", from: 9, to: 9, same: false }, { name: "C", from: 0, to: 0, same: true }])).toBe("differs from A at character 4, from B at character 10; the same as C");
  });
});

describe("a value whole in its column", () => {
  it("marks where it differs from its look-alike: the characters styled, carets under them, a note naming the other", () => {
    const twins = nearTwins([{ name: "PRIMARY_URL", value: PRIMARY }, { name: "REPLICA_URL", value: REPLICA }]).get("PRIMARY_URL");
    const lines = valueLines(PRIMARY, { width: 72, style: "value", twins });
    expect(lines.map(lineText)).toEqual([PRIMARY, `${" ".repeat(33)}^^^^^^^`, "differs from REPLICA_URL at character 34"]);
    expect(lines[0]).toContainEqual({ text: "primary", style: "diff" });
    // Wide enough: the note follows the carets.
    expect(valueLines(PRIMARY, { width: 100, style: "value", twins }).map(lineText)).toEqual([PRIMARY, `${" ".repeat(33)}^^^^^^^ differs from REPLICA_URL at character 34`]);
  });

  it("wraps at the width, the carets under the row that holds the difference", () => {
    const twins = nearTwins([{ name: "P", value: PRIMARY }, { name: "R", value: REPLICA }]).get("P");
    expect(valueLines(PRIMARY, { width: 30, style: "value", twins }).map(lineText)).toEqual([
      PRIMARY.slice(0, 30),
      PRIMARY.slice(30, 60),
      "   ^^^^^^^",
      PRIMARY.slice(60),
      "differs from R at character 34",
    ]);
  });

  it("a secret is *** and never compared", () => {
    expect(valueLines("s3cr3t-value-that-is-long", { width: 40, style: "value", secret: true, twins: [{ name: "X", from: 1, to: 2, same: false }] }).map(lineText)).toEqual(["***"]);
  });

  it("never cuts a value and never runs past the width, whatever the value and its look-alikes (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 30 }), fc.string({ minLength: 100, maxLength: 300 })), fc.string({ maxLength: 300 }), fc.integer({ min: 1, max: 120 }), (a, b, width) => {
        const twins = nearTwins([{ name: "A", value: a }, { name: "B", value: b }]).get("A");
        const lines = valueLines(a, { width, style: "value", twins });
        for (const l of lines) expect(Array.from(lineText(l)).length).toBeLessThanOrEqual(width);
        const note = twins ? twinNote(twins) : "";
        const text = textOf(lines).join("");
        expect(note === "" ? text : text.replace(/differs from.*$|the same as.*$/s, "")).toBe(printableLine(a));
      }),
    );
  });

  it("puts each caret under a character that differs (property)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 80, unit: fc.constantFrom("a", "b", "c", ".", "/") }), fc.nat(), fc.constantFrom("x", "yz"), fc.integer({ min: 5, max: 50 }), (base, at, swap, width) => {
        const i = at % base.length;
        const other = base.slice(0, i) + swap + base.slice(i + 1);
        const twins = nearTwins([{ name: "A", value: base }, { name: "B", value: other }]).get("A");
        if (!twins) return;
        const lines = valueLines(base, { width, style: "value", twins }).map(lineText);
        lines.forEach((l, r) => {
          if (!/^ *\^/.test(l)) return;
          const above = lines[r - 1]!;
          const row = lines.slice(0, r).filter((x) => !/^ *\^/.test(x) && !x.startsWith("differs")).length - 1;
          Array.from(l.replace(/ differs.*$/, "")).forEach((c, col) => {
            if (c !== "^") return;
            const index = row * width + col;
            const t = twins[0]!;
            expect(above.length, l).toBeGreaterThan(0);
            expect(index >= t.from && (index < t.to || (t.from === t.to && index <= t.from)), `${base} vs ${other}: caret at ${index}`).toBe(true);
          });
        });
      }),
    );
  });
});

describe("the param review's table", () => {
  const entry = (name: string, value: string, over: Partial<ParamEntry> = {}): ParamEntry => ({ name, value, source: "flag", secret: false, description: undefined, example: undefined, choices: undefined, defaultValue: undefined, validate: () => undefined, ...over });

  it("every value can be read whole down its column, at any width; a secret never shows (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ minLength: 60, maxLength: 160 })), { minLength: 1, maxLength: 4 }), fc.integer({ min: 16, max: 196 }), (values, width) => {
        const entries = [...values.map((v, i) => entry(`P${i}`, v)), entry("TOKEN", "hunter2-s3cr3t", { secret: true })];
        const table = reviewTable(entries, initialReview(entries), width, true);
        const text = table.rows.flat().map(lineText);
        for (const l of text) expect(Array.from(l).length).toBeLessThanOrEqual(width);
        expect(text.join("\n")).not.toContain("hunter2");
        values.forEach((v, i) => expect(readsWhole(table.rows[i]!.map(lineText), printableLine(v)), `${JSON.stringify(v)} at ${width}`).toBe(true));
      }),
    );
  });

  it("two look-alike values are marked, each naming the other; a secret like them is not", () => {
    const entries = [entry("PRIMARY_URL", PRIMARY), entry("REPLICA_URL", REPLICA), entry("OLD_URL", REPLICA.replace("replica", "replicb"), { secret: true })];
    const text = reviewTable(entries, initialReview(entries), 76, false).rows.map((r) => r.map(lineText).join("\n"));
    expect(text[0]).toContain("differs from REPLICA_URL at character 34");
    expect(text[1]).toContain("differs from PRIMARY_URL at character 34");
    expect(text.join("\n")).not.toContain("OLD_URL at");
    expect(text[2]).not.toContain("^");
  });
});

describe("the screen's own keys: ? and the whole step", () => {
  const at = (ui: ScreenUi, input: string, ctx = { expandable: true, lines: 40, height: 10 }) => onScreenKey(ui, keys(input)[0] ?? nav({}), ctx);
  const open: ScreenUi = { help: false, expanded: true, top: 0 };

  it("? shows the keys; the next key only closes the list, whatever it is", () => {
    expect(at(PLAIN_SCREEN, "?")).toEqual({ ...PLAIN_SCREEN, help: true });
    for (const k of ["y", "a", "\r", "\u001b", "?", "\t"]) expect(at({ ...PLAIN_SCREEN, help: true }, k)).toEqual(PLAIN_SCREEN);
  });

  it("Tab shows the whole step and goes back; Esc goes back; other keys are the question's", () => {
    expect(at(PLAIN_SCREEN, "\t")).toEqual(open);
    expect(at(open, "\t")).toEqual(PLAIN_SCREEN);
    expect(at(open, "\u001b")).toEqual(PLAIN_SCREEN);
    expect(at(open, "y")).toBeUndefined();
    expect(at(PLAIN_SCREEN, "\t", { expandable: false, lines: 0, height: 1 })).toBeUndefined();
    expect(at(PLAIN_SCREEN, "\u001b")).toBeUndefined();
  });

  it("scrolls the whole step by a line, a page, to its ends, never past them", () => {
    expect(onScreenKey(open, nav({ downArrow: true }), { expandable: true, lines: 40, height: 10 })).toEqual({ ...open, top: 1 });
    expect(onScreenKey(open, nav({ pageDown: true }), { expandable: true, lines: 40, height: 10 })).toEqual({ ...open, top: 9 });
    expect(onScreenKey(open, nav({ end: true }), { expandable: true, lines: 40, height: 10 })).toEqual({ ...open, top: 30 });
    expect(onScreenKey({ ...open, top: 30 }, nav({ pageDown: true }), { expandable: true, lines: 40, height: 10 })).toEqual({ ...open, top: 30 });
    expect(onScreenKey({ ...open, top: 3 }, nav({ pageUp: true }), { expandable: true, lines: 40, height: 10 })).toEqual({ ...open, top: 0 });
    expect(onScreenKey({ ...open, top: 3 }, nav({ home: true }), { expandable: true, lines: 40, height: 10 })).toEqual({ ...open, top: 0 });
    expect(scrollTop(0, "end", 5, 10)).toBe(0);
  });

  it("the list of keys names every answer of every question, and the typed id of an irreversible step", () => {
    const rb = buildRunbook("/x.md", `---\nid: k\nowner: o\n---\n# K\n## Steps\n### Change {#change}\n${fence("sh confirm", "x")}${fence("sh rollback", "y")}### Promote {#promote}\n${fence('sh confirm irreversible="no way back"', "p")}`);
    const plan = buildPlan(rb, buildStepGraph(rb), "/x.md");
    const step = plan.steps[0]!;
    const result = { exitCode: 1, signal: null, timedOut: false, durationMs: 1, error: undefined, retryInMs: null, interrupted: false };
    const questions: Ask[] = [
      { kind: "confirm", step },
      { kind: "manual", step },
      { kind: "failed", step, phase: "command", result, output: "" },
      { kind: "interrupted", target: "change", step, phase: "command" },
      { kind: "undo_before_skip", step },
      { kind: "rollback", step, items: [] },
    ];
    for (const q of questions) {
      const text = helpLines(runHelp(q, NO_UI, { expandable: true, expanded: false }), 76).map(lineText).join("\n");
      for (const c of choices(q)) expect(text, q.kind).toMatch(new RegExp(`^  ${c.key}\\b.* ${c.label}`, "m"));
      expect(text).toMatch(/^ {2}Tab +the whole step/m);
      expect(text).toMatch(/^ {2}\? +this list/m);
      expect(text).toMatch(/^ {2}Ctrl-C +asks first/m);
    }
    const typed = helpLines(runHelp({ kind: "confirm", step: plan.steps[1]! }, NO_UI, { expandable: true, expanded: false }), 76).map(lineText).join("\n");
    expect(typed).toContain("At this question: Irreversible: type promote to run it");
    expect(typed).toMatch(/^ {2}promote Enter +type the step id, then Enter: run this irreversible step/m);
    const running = helpLines(runHelp(undefined, NO_UI, { expandable: false, expanded: false }), 76).map(lineText).join("\n");
    expect(running).toMatch(/^While the run goes on/);
    expect(running).not.toContain("Tab");
  });
});

describe("a list of entries of many heights, in a window", () => {
  it("keeps the focus whole in sight and counts what it hides, in exactly the room (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 3, max: 40 }), fc.nat(), (heights, room, f) => {
        const focus = f % heights.length;
        const w = heightWindow(heights, focus, room);
        expect(w.start).toBeLessThanOrEqual(focus);
        expect(w.end).toBeGreaterThan(focus);
        expect(w.above).toBe(w.start);
        expect(w.below).toBe(heights.length - w.end);
        const used = heights.slice(w.start, w.end).reduce((a, b) => a + b, 0) + (w.above ? 1 : 0) + (w.below ? 1 : 0);
        if (heights[focus]! + 2 <= room) expect(used).toBeLessThanOrEqual(room);
      }),
    );
  });

  it("a step waiting for a yes gives its panel the room the output can spare", () => {
    expect(share(19, 3, 14, 21)).toEqual({ list: 3, panel: 8, output: 8 });
    expect(share(19, 3, 14, 21, true)).toEqual({ list: 3, panel: 13, output: 3 });
  });
});
