import { EventEmitter } from "node:events";
import { render } from "ink";
import type { ReactElement } from "react";
import { vi } from "vitest";

/**
 * Renders an ink tree on a pretend terminal of a given size (ink-testing-library's is 100 columns
 * with no rows): frames can be checked at 80×24 or 200×60, and a resize can be played.
 */
export function renderAt(tree: ReactElement, size: { columns: number; rows: number }) {
  let last = "";
  const stdout = Object.assign(new EventEmitter(), {
    columns: size.columns,
    rows: size.rows,
    write: (frame: string) => {
      last = frame;
      return true;
    },
  });
  const stderr = Object.assign(new EventEmitter(), { write: () => true });
  let data: string | null = null;
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    setEncoding: () => undefined,
    setRawMode: () => undefined,
    resume: () => undefined,
    pause: () => undefined,
    ref: () => undefined,
    unref: () => undefined,
    read: () => {
      const d = data;
      data = null;
      return d;
    },
  });
  const instance = render(tree, { stdout: stdout as never, stderr: stderr as never, stdin: stdin as never, debug: true, exitOnCtrlC: false, patchConsole: false });
  return {
    lastFrame: () => last,
    /**
     * The frame once it shows `want` (a pattern, or a test of the frame). A key is drawn some time
     * after it is written (React schedules the render; on a busy machine, hundreds of ms later), so
     * tests wait for the state they expect, never for a fixed time.
     */
    waitFor: async (want: RegExp | ((frame: string) => boolean), timeoutMs = 20_000): Promise<string> => {
      const ok = typeof want === "function" ? want : (f: string) => want.test(f);
      const until = Date.now() + timeoutMs;
      while (!ok(last)) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${String(want)}; frame:\n${last}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      return last;
    },
    /** One read: several keys written at once arrive together, as from a paste. */
    write: (text: string) => {
      data = text;
      stdin.emit("readable");
      stdin.emit("data", text);
    },
    resize: (columns: number, rows: number) => {
      stdout.columns = columns;
      stdout.rows = rows;
      stdout.emit("resize");
    },
    unmount: () => instance.unmount(),
  };
}

/**
 * Waits until `check` stops throwing: a frame, or what a key answered, is there. React schedules a
 * render some time after a change (on a busy machine, hundreds of ms), so tests wait for the state
 * they expect, never for a fixed time; a state that never comes fails at the deadline.
 */
export const until = <T>(check: () => T, timeoutMs = 20_000): Promise<T> => vi.waitFor(check, { timeout: timeoutMs, interval: 5 });
