import fc from "fast-check";
import type { Key } from "ink";
import { describe, expect, it } from "vitest";
import { editLine, keyPresses, pickChoice } from "../../src/tui/keys.js";

const none = { return: false, backspace: false, delete: false, escape: false, ctrl: false } as Key;
const type = (value: string, input: string, key: Key = none) => keyPresses(input, key).reduce((v, k) => editLine(v.value, k), { value, submit: false });

describe("keys that arrive in one read", () => {
  it("splits text and Enter into the text, then Enter", () => {
    expect(keyPresses("eu-1\r", none).map((k) => (k.return ? "⏎" : k.text))).toEqual(["e", "u", "-", "1", "⏎"]);
    expect(type("", "eu-1\r")).toEqual({ value: "eu-1", submit: true });
  });

  it("Ctrl-U clears, Ctrl-W deletes a word, backspace a character, whether alone or in a paste", () => {
    expect(type("wrong", "\u0015eu-1")).toEqual({ value: "eu-1", submit: false });
    expect(type("primary db-1", "\u0017")).toEqual({ value: "primary ", submit: false });
    expect(type("abc", "", { ...none, ctrl: true } as Key)).toEqual({ value: "abc", submit: false });
    expect(type("abc", "u", { ...none, ctrl: true } as Key)).toEqual({ value: "", submit: false });
    expect(type("abc", "\u007f\u007fz")).toEqual({ value: "az", submit: false });
  });

  it("reads Tab as Tab, alone (ink's key.tab) or in a read, never as Ctrl-I, and never types it", () => {
    expect(keyPresses("", { ...none, tab: true } as Key)).toMatchObject([{ tab: true, ctrl: undefined }]);
    expect(keyPresses("\t", none)).toMatchObject([{ tab: true, ctrl: undefined }]);
    expect(keyPresses("a\tb", none).map((k) => (k.tab ? "⇥" : k.text))).toEqual(["a", "⇥", "b"]);
    expect(keyPresses("", { ...none, tab: true, shift: true } as Key)).toMatchObject([{ tab: false }]);
    expect(type("ab", "\t")).toEqual({ value: "ab", submit: false });
  });

  it("never lets a control character into a value (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (input) => {
        const r = keyPresses(input, none).reduce((v, k) => editLine(v.submit ? v.value : v.value, k), { value: "", submit: false });
        expect(r.value).not.toMatch(/[\u0000-\u001f\u007f]/);
      }),
    );
  });
});

describe("picking from a list of choices", () => {
  const one = (input: string) => keyPresses(input, none)[0]!;
  const nav = (k: Partial<Key>) => keyPresses("", { ...none, ...k } as Key)[0]!;

  it("moves with the arrows (round the ends), takes a value with Enter or its number, and nothing else takes one", () => {
    expect(pickChoice(3, 0, nav({ upArrow: true }))).toEqual({ at: 2, take: false });
    expect(pickChoice(3, 2, nav({ downArrow: true }))).toEqual({ at: 0, take: false });
    expect(pickChoice(3, 1, one("\r"))).toEqual({ at: 1, take: true });
    expect(pickChoice(3, 0, one("3"))).toEqual({ at: 2, take: true });
    for (const k of ["4", "0", "?", "x", "\t", "\u001b"]) expect(pickChoice(3, 1, one(k))).toEqual({ at: 1, take: false });
  });
});
