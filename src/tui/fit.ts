/** Heights of the parts of the screen that share what the fixed lines leave. */
export interface Budget {
  readonly list: number;
  readonly panel: number;
  readonly output: number;
}

/**
 * Shares `free` lines (the terminal's rows less the title, run line, notices and footer, and one
 * spare so the frame never fills the screen) between the step list, the panel and the output: the
 * list takes about a third and scrolls, the panel what it needs up to about half, the output the rest.
 * `panelFirst` (a step waits for a yes: what it will run, and with which values, is what must be
 * read): the panel takes what it needs of all but the list and three lines of output. Pure, so
 * every size can be tested.
 */
export function share(free: number, steps: number, panelWanted: number, outputWanted = Number.MAX_SAFE_INTEGER, panelFirst = false): Budget {
  const minOutput = 3;
  let list = steps <= Math.floor(free * 0.4) ? steps : Math.min(steps, Math.max(3, Math.floor(free * 0.3)));
  let panel = Math.min(panelWanted, Math.max(4, Math.floor(free * 0.45), panelFirst ? free - list - minOutput : 0));
  let output = free - list - panel;
  // Output that needs less than its share (nothing more is coming: a question is on screen) lends the rest to the panel.
  if (output > Math.max(minOutput, outputWanted) && panel < panelWanted) {
    const lend = Math.min(output - Math.max(minOutput, outputWanted), panelWanted - panel);
    panel += lend;
    output -= lend;
  }
  if (output < minOutput) {
    const fromPanel = Math.min(panel - Math.min(panel, 3), minOutput - output);
    panel -= fromPanel;
    output += fromPanel;
  }
  if (output < minOutput) {
    const fromList = Math.min(list - 1, minOutput - output);
    list -= fromList;
    output += fromList;
  }
  return { list: Math.max(0, list), panel: Math.max(0, panel), output: Math.max(1, output) };
}

/** Which rows of a list of `count` to show in `height` lines around `focus`: markers say how many are hidden. */
export function listWindow(count: number, focus: number, height: number): { start: number; end: number; above: number; below: number } {
  if (count <= height) return { start: 0, end: count, above: 0, below: 0 };
  if (height <= 2) {
    const start = Math.max(0, Math.min(focus, count - height));
    return { start, end: start + height, above: 0, below: 0 };
  }
  const space = height - 2;
  const wanted = Math.max(0, focus - Math.floor(space / 3));
  if (wanted === 0) return { start: 0, end: height - 1, above: 0, below: count - (height - 1) };
  if (wanted + space >= count) {
    const start = count - (height - 1);
    return { start, end: count, above: start, below: 0 };
  }
  return { start: wanted, end: wanted + space, above: wanted, below: count - wanted - space };
}

/**
 * Which entries of a list to show in `room` lines around `focus` when each takes `heights[i]` lines
 * (a value that wraps takes several): the focus, what fits before it up to a third of the room, then
 * after it, then before it again. A line says how many are hidden above, another how many below,
 * and both count in `room`. Pure.
 */
export function heightWindow(heights: readonly number[], focus: number, room: number): { start: number; end: number; above: number; below: number } {
  const n = heights.length;
  if (heights.reduce((a, b) => a + b, 0) <= room) return { start: 0, end: n, above: 0, below: 0 };
  const f = Math.max(0, Math.min(n - 1, focus));
  let start = f;
  let end = f + 1;
  let used = heights[f] ?? 0;
  const fits = (s: number, e: number, u: number) => u + (s > 0 ? 1 : 0) + (e < n ? 1 : 0) <= room;
  while (start > 0 && used - (heights[f] ?? 0) + heights[start - 1]! <= Math.floor(room / 3) && fits(start - 1, end, used + heights[start - 1]!)) used += heights[--start]!;
  while (end < n && fits(start, end + 1, used + heights[end]!)) used += heights[end++]!;
  while (start > 0 && fits(start - 1, end, used + heights[start - 1]!)) used += heights[--start]!;
  return { start, end, above: start, below: n - end };
}
