import fc from "fast-check";
import type { Key } from "ink";
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/engine/plan.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { buildStepGraph } from "../../src/model/graph.js";
import type { ParamEntry } from "../../src/run/param-review.js";
import { NO_UI, onQuestionKey, type QuestionUi } from "../../src/tui/answer-keys.js";
import { keyPresses } from "../../src/tui/keys.js";
import { listWindow, share } from "../../src/tui/layout.js";
import { proseLines } from "../../src/tui/prose.js";
import { initialReview, onReviewKey } from "../../src/tui/review-keys.js";
import { lineText, piecesToSpans, splitLines, wrapWords } from "../../src/tui/styled.js";
import { displayShell } from "../../src/run/display-values.js";
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
