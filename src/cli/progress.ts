import { onCi } from "../system/on-ci.js";
import type { Io } from "./io.js";

/**
 * A one-line counter on stderr for long work (hundreds of files), only on a terminal and not in
 * CI; it rewrites itself at most ten times a second and is erased when done.
 */
export function progress(io: Io, label: string, total: number): { tick(): void; done(): void; clear(): void } {
  const show = io.stderr.isTTY === true && !onCi(io.env) && total >= 100;
  let n = 0;
  let last = 0;
  return {
    tick() {
      n++;
      if (!show) return;
      const now = Date.now();
      if (now - last < 100 && n < total) return;
      last = now;
      io.stderr.write(`\r${label} ${n}/${total}…`);
    },
    done() {
      this.clear();
    },
    /** Erases the counter before other output goes to the same terminal; the next tick redraws it. */
    clear() {
      if (show && last) io.stderr.write(`\r${" ".repeat(label.length + String(total).length * 2 + 3)}\r`);
      last = 0;
    },
  };
}
