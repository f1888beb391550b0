/**
 * The base protocol's frames as the editor sends them: `Content-Length: N\r\n` (and an optional
 * `Content-Type`), a blank line, then N bytes of JSON. vscode-jsonrpc, under the language server,
 * reports a frame it cannot read as an event nobody listens to and then waits: a missing or
 * non-numeric length drops the header and the stream is out of step for good, a length too large
 * swallows every later message, a body without headers waits for a blank line that never comes.
 * The editor sees a server that stops answering. This checker reads the same bytes first, so the
 * server can say what is wrong and exit instead. Pure: bytes in, a verdict out.
 */

/** Headers are a few dozen bytes; a "header" this long is something else. */
const MAX_HEADER_BYTES = 8 * 1024;
/** Far above the largest message an editor sends for a runbook (a whole document of 256 KiB, as JSON). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
/**
 * The next frame's header inside a body: raw CR LF cannot be inside a JSON string and the words
 * cannot be outside one, so a body that holds this is not the JSON its length promised.
 */
const NEXT_HEADER = /Content-Length[ \t]*:[ \t]*\d+[ \t]*\r\n/i;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*:[ \t]*(.*?)[ \t]*$/;

export interface FrameProblem {
  /** 1-based: the editor's first message is message 1. */
  readonly message: number;
  readonly reason: string;
}

export class FrameChecker {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** The body's length once its headers are read; undefined while reading headers. */
  #bodyLength: number | undefined;
  #messages = 0;
  #problem: FrameProblem | undefined;
  /** In a body: the chunks of it already searched for a next header, and the end of them, which a header may straddle. */
  #searched = 0;
  #tail = "";

  /** True while part of a message has arrived and the rest has not. */
  get midMessage(): boolean {
    return this.#bodyLength !== undefined || this.#pendingBytes > 0;
  }

  /** What arrived when a message was cut short (for a stalled stream). */
  stalled(): FrameProblem {
    const reason =
      this.#bodyLength === undefined
        ? "its header stops before the blank line that ends it"
        : `its body stops after ${this.#pendingBytes} of the ${this.#bodyLength} bytes its Content-Length promised`;
    return { message: this.#messages + 1, reason };
  }

  /** Takes the next chunk from the editor; returns the first problem found, now or before. */
  push(chunk: Buffer): FrameProblem | undefined {
    if (this.#problem) return this.#problem;
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    for (;;) {
      const step = this.#bodyLength === undefined ? this.#readHeader() : this.#readBody(this.#bodyLength);
      if (step === "wait") return undefined;
      if (step !== "next") return (this.#problem = { message: this.#messages + 1, reason: step });
    }
  }

  #readHeader(): "wait" | "next" | string {
    const buffered = this.#joined();
    const end = buffered.indexOf("\r\n\r\n");
    const head = buffered.subarray(0, end === -1 ? Math.min(buffered.length, MAX_HEADER_BYTES + 4) : end).toString("latin1");
    // Each whole line must be a header; a line ended by a bare LF never ends the header.
    const lines = head.split("\r\n");
    const complete = end === -1 ? lines.slice(0, -1) : lines;
    const partial = end === -1 ? (lines.at(-1) ?? "") : "";
    for (const line of complete) if (!HEADER_LINE.test(line)) return `expected a header such as \`Content-Length: 123\`, got \`${preview(line)}\``;
    const [first = "", ...more] = partial.split("\n");
    // A lone CR may be the start of the blank line that ends the header.
    if (more.length > 0 ? !HEADER_LINE.test(first) : /^[^!#$%&'*+.^_`|~0-9A-Za-z\r-]/.test(first)) return `expected a header such as \`Content-Length: 123\`, got \`${preview(first)}\``;
    if (more.length > 0) return "its header lines end in a bare LF; the base protocol separates them with CR LF";
    if (end === -1) return buffered.length > MAX_HEADER_BYTES ? `its header is over ${MAX_HEADER_BYTES / 1024} KiB without the blank line that ends it` : "wait";

    const headers = new Map(complete.map((line) => HEADER_LINE.exec(line)!).map((m) => [m[1]!.toLowerCase(), m[2]!]));
    const length = headers.get("content-length");
    if (length === undefined) return `its header has no Content-Length (got ${[...headers.keys()].join(", ") || "no header at all"})`;
    if (!/^\d+$/.test(length)) return `its Content-Length \`${preview(length)}\` is not a number of bytes`;
    if (Number(length) > MAX_BODY_BYTES) return `its Content-Length ${length} is over ${MAX_BODY_BYTES / 1024 / 1024} MiB`;
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(headers.get("content-type") ?? "")?.[1];
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) return `its Content-Type names the charset \`${preview(charset)}\`; only utf-8 is read`;
    this.#bodyLength = Number(length);
    this.#keep(buffered.subarray(end + 4));
    return "next";
  }

  #readBody(length: number): "wait" | "next" | string {
    if (this.#pendingBytes < length) {
      // Only what arrived since the last look is searched: a large body comes in many chunks.
      const text = this.#tail + this.#pending.slice(this.#searched).map((c) => c.toString("latin1")).join("");
      if (NEXT_HEADER.test(text)) return `its Content-Length ${length} is more than its body: the next message's header arrived inside it`;
      this.#searched = this.#pending.length;
      this.#tail = text.slice(-64);
      return "wait";
    }
    const buffered = this.#joined();
    const body = buffered.subarray(0, length).toString("utf8");
    try {
      JSON.parse(body);
    } catch {
      return `its body is not JSON: \`${preview(body)}\``;
    }
    this.#messages++;
    this.#bodyLength = undefined;
    this.#keep(buffered.subarray(length));
    return "next";
  }

  #joined(): Buffer {
    if (this.#pending.length !== 1) this.#pending = [Buffer.concat(this.#pending)];
    return this.#pending[0] ?? Buffer.alloc(0);
  }

  #keep(rest: Buffer): void {
    this.#pending = rest.length > 0 ? [rest] : [];
    this.#pendingBytes = rest.length;
    this.#searched = 0;
    this.#tail = "";
  }
}

function preview(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
}
