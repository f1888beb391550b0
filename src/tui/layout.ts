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
 * Pure, so every size can be tested.
 */
export function share(free: number, steps: number, panelWanted: number, outputWanted = Number.MAX_SAFE_INTEGER): Budget {
  let list = steps <= Math.floor(free * 0.4) ? steps : Math.min(steps, Math.max(3, Math.floor(free * 0.3)));
  let panel = Math.min(panelWanted, Math.max(4, Math.floor(free * 0.45)));
  let output = free - list - panel;
  const minOutput = 3;
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
