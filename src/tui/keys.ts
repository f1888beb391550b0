import type { Key } from "ink";

/** Keys that move rather than type. */
export type NavKey = "up" | "down" | "left" | "right" | "pageup" | "pagedown" | "home" | "end";

/** One key, whatever read it arrived in. */
export interface KeyPress {
  /** The printable character, or "" for a control key. */
  readonly text: string;
  readonly return: boolean;
  readonly backspace: boolean;
  readonly escape: boolean;
  /** Tab (a terminal sends it as Ctrl-I: it is read as Tab, never as Ctrl-I). */
  readonly tab: boolean;
  /** Ctrl and a letter: `ctrl` is that letter. */
  readonly ctrl: string | undefined;
  /** An arrow, PgUp/PgDn, Home or End. */
  readonly nav: NavKey | undefined;
  readonly key: Key | undefined;
}

const press = (over: Partial<KeyPress>): KeyPress => ({ text: "", return: false, backspace: false, escape: false, tab: false, ctrl: undefined, nav: undefined, key: undefined, ...over });

function navOf(key: Key): NavKey | undefined {
  if (key.upArrow) return "up";
  if (key.downArrow) return "down";
  if (key.leftArrow) return "left";
  if (key.rightArrow) return "right";
  if (key.pageUp) return "pageup";
  if (key.pageDown) return "pagedown";
  if (key.home) return "home";
  if (key.end) return "end";
  return undefined;
}

/**
 * The keys in one read. A terminal hands over several keys at once when they arrive together (a
 * paste, an ssh link, a slow machine): ink passes such a read as one string, so `eu-1` and Enter
 * arrive as "eu-1\r". Split it back into keys, in order.
 */
export function keyPresses(input: string, key: Key): KeyPress[] {
  const chars = Array.from(input);
  // A raw control character (some terminals, some tests) is read as such, whatever ink made of it.
  if (chars.length === 1 && !isPrintable(input)) return [fromChar(input)];
  if (chars.length <= 1) {
    // ink reads an escape sequence (an arrow, PgUp…) as one key of its own, never inside text.
    const nav = navOf(key);
    if (nav) return [press({ nav, key })];
    if (key.return) return [press({ return: true, key })];
    if (key.tab && !key.shift) return [press({ tab: true, key })];
    if (key.backspace || key.delete) return [press({ backspace: true, key })];
    if (key.escape && input === "") return [press({ escape: true, key })];
    if (key.ctrl) return [press({ ctrl: input.toLowerCase(), key })];
    return [press({ text: isPrintable(input) ? input : "", key })];
  }
  return chars.map(fromChar);
}

function fromChar(c: string): KeyPress {
  const code = c.codePointAt(0) ?? 0;
  if (c === "\r" || c === "\n") return press({ return: true });
  if (c === "\u007f" || c === "\b") return press({ backspace: true });
  if (c === "\u001b") return press({ escape: true });
  if (c === "\t") return press({ tab: true });
  if (code >= 1 && code <= 26) return press({ ctrl: String.fromCharCode(code + 96) });
  return press({ text: isPrintable(c) ? c : "" });
}

function isPrintable(c: string): boolean {
  return c !== "" && !/[\u0000-\u001f\u007f-\u009f]/.test(c);
}

/** A one-line text field: what a key does to its value. Ctrl-U clears, Ctrl-W deletes a word. */
export function editLine(value: string, k: KeyPress): { value: string; submit: boolean } {
  if (k.return) return { value, submit: true };
  if (k.backspace) return { value: Array.from(value).slice(0, -1).join(""), submit: false };
  if (k.ctrl === "u") return { value: "", submit: false };
  if (k.ctrl === "w") return { value: value.replace(/\S+\s*$/, ""), submit: false };
  if (k.ctrl !== undefined || k.escape || k.tab || k.nav) return { value, submit: false };
  return { value: value + k.text, submit: false };
}

/** A list of `n` choices: what a key does to the one under the cursor; a digit (1-9) or Enter takes one. */
export function pickChoice(n: number, at: number, k: KeyPress): { at: number; take: boolean } {
  if (n === 0) return { at: 0, take: false };
  if (k.nav === "up") return { at: (at + n - 1) % n, take: false };
  if (k.nav === "down") return { at: (at + 1) % n, take: false };
  const digit = Number(k.text);
  if (k.text !== "" && Number.isInteger(digit) && digit >= 1 && digit <= Math.min(9, n)) return { at: digit - 1, take: true };
  return { at, take: k.return };
}
