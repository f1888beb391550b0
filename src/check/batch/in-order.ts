/**
 * Runs `work` over the items with at most `window` of them in flight, and hands each result to
 * `emit` in the items' order: results stream out while memory holds only the window. The first
 * error stops the run when its turn comes.
 */
export async function inOrder<T, R>(items: readonly T[], window: number, work: (item: T) => Promise<R>, emit: (result: R, item: T) => void | Promise<void>): Promise<void> {
  const slots: Array<Promise<R> | undefined> = [];
  const start = (i: number) => {
    if (i >= items.length) return;
    const p = work(items[i]!);
    // Its error is raised in turn below; until then it must not count as unhandled.
    p.catch(() => undefined);
    slots[i] = p;
  };
  for (let i = 0; i < Math.min(window, items.length); i++) start(i);
  for (let i = 0; i < items.length; i++) {
    const result = await slots[i]!;
    slots[i] = undefined;
    start(i + window);
    await emit(result, items[i]!);
  }
}
