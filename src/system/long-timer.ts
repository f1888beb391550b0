/** Node keeps a timer's delay in a signed 32-bit int: a longer one (24.8 days and up) fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimer {
  clear(): void;
}

/** `setTimeout` for any delay: a wait longer than Node can hold is chained in steps it can. */
export function setLongTimeout(fn: () => void, ms: number): LongTimer {
  let left = Math.max(0, ms);
  let handle: NodeJS.Timeout;
  const arm = (): void => {
    const step = Math.min(left, MAX_TIMER_MS);
    handle = setTimeout(() => {
      left -= step;
      if (left > 0) arm();
      else fn();
    }, step);
  };
  arm();
  return { clear: () => clearTimeout(handle) };
}
