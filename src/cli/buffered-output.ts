import type { Output } from "./io.js";

/**
 * Collects small writes and passes them on in pieces of about 64 KB: a report streamed file by file
 * would otherwise cost a write to the pipe per file. `beforeWrite` runs ahead of each piece (to erase
 * a progress counter on the same terminal).
 */
export function bufferedOutput(out: Output, beforeWrite: () => void = () => undefined, size = 1 << 16): { write(text: string): void; flush(): void } {
  let pending: string[] = [];
  let length = 0;
  const flush = () => {
    if (length === 0) return;
    beforeWrite();
    out.write(pending.join(""));
    pending = [];
    length = 0;
  };
  return {
    write(text) {
      if (text === "") return;
      pending.push(text);
      length += text.length;
      if (length >= size) flush();
    },
    flush,
  };
}
