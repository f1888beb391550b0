/**
 * How much output one attempt of one block may journal: its head and its tail, with what was cut in
 * between said where it was cut. A step that prints half a gigabyte must not make a journal that
 * takes minutes to read, and what a person needs is nearly always the start and the end.
 */

import { formatBytes } from "../model/output-size.js";

export type Stream = "stdout" | "stderr";
export interface Piece {
  readonly stream: Stream;
  readonly text: string;
}

/**
 * Cuts one attempt's output to `limit` bytes (UTF-8, both streams together): the first half passes at
 * once; after that, only the last half is kept, and journaled when the block ends, after a note of how
 * many bytes were cut. Notes go to stderr and start with `[runbook:`. Each piece keeps its stream.
 */
export class OutputLimit {
  readonly #head: number;
  readonly #tail: number;
  #seen = 0;
  #held: Array<Piece & { bytes: number }> = [];
  #heldBytes = 0;
  #dropped = 0;

  constructor(readonly limit: number) {
    this.#head = Math.ceil(limit / 2);
    this.#tail = limit - this.#head;
  }

  /** What to journal now of the next piece. */
  push(stream: Stream, text: string): Piece[] {
    const bytes = Buffer.byteLength(text);
    const before = this.#seen;
    this.#seen += bytes;
    if (this.#seen <= this.#head) return [{ stream, text }];
    const out: Piece[] = [];
    let rest = text;
    if (before <= this.#head) {
      const head = firstBytes(text, this.#head - before);
      if (head) out.push({ stream, text: head });
      rest = text.slice(head.length);
      out.push({ stream: "stderr", text: `\n[runbook: this block's output passed ${formatBytes(this.#head)}; the rest is held, and only its last ${formatBytes(this.#tail)} will be journaled, when the block ends]\n` });
    }
    this.#hold(stream, rest);
    return out;
  }

  /** The block ended: what was cut, then the tail. */
  end(): Piece[] {
    const first = this.#held[0];
    if (first && this.#heldBytes > this.#tail) {
      const keep = lastBytes(first.text, first.bytes - (this.#heldBytes - this.#tail));
      const kept = Buffer.byteLength(keep);
      this.#dropped += first.bytes - kept;
      this.#heldBytes -= first.bytes - kept;
      this.#held[0] = { stream: first.stream, text: keep, bytes: kept };
    }
    const out: Piece[] = [];
    if (this.#dropped > 0) out.push({ stream: "stderr", text: `[runbook: ${this.#dropped.toLocaleString("en-US")} bytes of output cut here (the output limit is ${formatBytes(this.limit)} per block)]\n` });
    for (const p of this.#held) if (p.text) out.push({ stream: p.stream, text: p.text });
    this.#held = [];
    this.#heldBytes = 0;
    return out;
  }

  #hold(stream: Stream, text: string): void {
    if (!text) return;
    const bytes = Buffer.byteLength(text);
    this.#held.push({ stream, text, bytes });
    this.#heldBytes += bytes;
    // Drop whole pieces that can no longer be part of the tail; the first kept one is cut at the end.
    while (this.#held.length > 1 && this.#heldBytes - this.#held[0]!.bytes >= this.#tail) {
      const gone = this.#held.shift()!;
      this.#heldBytes -= gone.bytes;
      this.#dropped += gone.bytes;
    }
  }
}

/** The longest start of `text` that is at most `n` bytes, never cutting a character. */
function firstBytes(text: string, n: number): string {
  const b = Buffer.from(text);
  if (b.length <= n) return text;
  let i = n;
  while (i > 0 && ((b[i] ?? 0) & 0xc0) === 0x80) i--;
  return b.subarray(0, i).toString("utf8");
}

/** The longest end of `text` that is at most `n` bytes, never cutting a character. */
function lastBytes(text: string, n: number): string {
  const b = Buffer.from(text);
  if (b.length <= n) return text;
  let i = b.length - n;
  while (i < b.length && ((b[i] ?? 0) & 0xc0) === 0x80) i++;
  return b.subarray(i).toString("utf8");
}
