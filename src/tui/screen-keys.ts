import type { KeyPress, NavKey } from "./keys.js";

/** What the run's screen draws instead of its usual parts. */
export interface ScreenUi {
  /** `?`: the keys that work here, until the next key. */
  readonly help: boolean;
  /** Tab: the whole step asked about, scrolled to `top`. */
  readonly expanded: boolean;
  /** The first line of the whole step on screen. */
  readonly top: number;
}

export const PLAIN_SCREEN: ScreenUi = { help: false, expanded: false, top: 0 };

export interface ScreenContext {
  /** A question about a step is on screen: Tab shows all of it. */
  readonly expandable: boolean;
  /** Lines of the whole step, and how many of them fit on screen. */
  readonly lines: number;
  readonly height: number;
}

/** Where the whole step is scrolled to after a key: a line, a page less one line, its first or last page. */
export function scrollTop(top: number, nav: NavKey, lines: number, height: number): number {
  const page = Math.max(1, height - 1);
  const last = Math.max(0, lines - Math.max(1, height));
  const to = nav === "up" ? top - 1 : nav === "down" ? top + 1 : nav === "pageup" ? top - page : nav === "pagedown" ? top + page : nav === "home" ? 0 : nav === "end" ? last : top;
  return Math.max(0, Math.min(last, to));
}

/**
 * Keys that change what is drawn, taken before any key can answer. `?` shows the keys; the next key
 * only closes that list (a key pressed to close it must not answer a question that came up
 * meanwhile). Tab shows the whole step asked about; while it is shown the arrows, PgUp/PgDn and
 * Home/End scroll it, and Tab or Esc go back. Any other key is the question's: y still runs the step.
 * Undefined: the key is not one of these. Pure.
 */
export function onScreenKey(ui: ScreenUi, k: KeyPress, ctx: ScreenContext): ScreenUi | undefined {
  if (ui.help) return { ...ui, help: false };
  // A step id, the only thing typed at a question, never holds a `?`.
  if (k.text === "?") return { ...ui, help: true };
  const expanded = ui.expanded && ctx.expandable;
  if (k.tab && ctx.expandable) return { ...ui, expanded: !expanded, top: 0 };
  if (!expanded) return undefined;
  if (k.escape) return { ...ui, expanded: false, top: 0 };
  if (k.nav) return { ...ui, top: scrollTop(ui.top, k.nav, ctx.lines, ctx.height) };
  return undefined;
}
