import { useEffect, useState } from "react";

/** The terminal's size, redrawn when it changes (ink re-lays out on a resize, but does not re-render). */
export function useTerminalSize(stdout: NodeJS.WriteStream): { rows: number; columns: number } {
  const read = () => ({ rows: stdout.rows || 30, columns: stdout.columns || 100 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
  return size;
}

/** The clock, ticking every `intervalMs` while `active`: elapsed times and retry countdowns. */
export function useNow(active: boolean, intervalMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [active, intervalMs]);
  return active ? now : Date.now();
}
