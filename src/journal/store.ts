import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import { mkdirp } from "../files/mkdirp.js";
import path from "node:path";
import { sealLine, unsealLine } from "./checksum.js";
import { eventSchema, JOURNAL_VERSION, type JournalEvent, type NewEvent } from "./events.js";

export class JournalError extends Error {
  override name = "JournalError";
}

/** A line in the middle of a journal is damaged: the journal cannot be trusted, so it is refused. */
export class JournalCorruptError extends JournalError {
  override name = "JournalCorruptError";
}

export interface ReadResult {
  readonly events: JournalEvent[];
  /** A last line cut short by a crash: dropped, and reported. */
  readonly torn: { readonly line: number; readonly bytes: number } | undefined;
  /** Byte length of the valid part; appends continue from here. */
  readonly validBytes: number;
}

/**
 * Parses a journal. A torn last line is expected after a crash and is dropped; a damaged line
 * anywhere else, a gap in sequence numbers or an unknown version is refused.
 */
export function parseJournal(text: string, file = "journal"): ReadResult {
  const events: JournalEvent[] = [];
  let offset = 0;
  let lineNo = 0;
  while (offset < text.length) {
    const nl = text.indexOf("\n", offset);
    const end = nl === -1 ? text.length : nl;
    const line = text.slice(offset, end);
    lineNo++;
    const isLast = nl === -1 || nl === text.length - 1;
    // A line is complete only with its newline: the write that cut it may have stopped just before.
    const event = nl === -1 ? "no newline at the end" : decode(line);
    if (typeof event === "string") {
      if (isLast) return { events, torn: { line: lineNo, bytes: Buffer.byteLength(text.slice(offset)) }, validBytes: Buffer.byteLength(text.slice(0, offset)) };
      throw new JournalCorruptError(`${file}:${lineNo}: damaged journal line (${event}); refusing to use this journal`);
    }
    if (event.seq !== events.length + 1) throw new JournalCorruptError(`${file}:${lineNo}: expected event ${events.length + 1}, found ${event.seq}; events are missing`);
    events.push(event);
    offset = nl === -1 ? text.length : nl + 1;
  }
  return { events, torn: undefined, validBytes: Buffer.byteLength(text) };
}

function decode(line: string): JournalEvent | string {
  const json = unsealLine(line);
  if (json === undefined) return "checksum mismatch or truncated";
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return "not JSON";
  }
  if (typeof data === "object" && data !== null && (data as { v?: unknown }).v !== JOURNAL_VERSION) return `unknown journal version ${String((data as { v?: unknown }).v)}`;
  const parsed = eventSchema.safeParse(data);
  return parsed.success ? parsed.data : `invalid event: ${parsed.error.issues[0]?.message ?? "?"}`;
}

export function readJournal(file: string): ReadResult {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new JournalError(`cannot read journal ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseJournal(text, file);
}

export interface WriterOptions {
  /** Called after each append with the count so far: the crash-at-every-point tests hook in here. */
  readonly afterWrite?: (count: number) => void;
  readonly now?: () => Date;
}

/**
 * Append-only JSONL, one event per line. Every state-changing event is written and fsynced before
 * the caller moves on; output chunks are written at once and made durable by the next fsync.
 * A failed write or fsync throws and is not retried: the run must stop.
 */
export class JournalWriter {
  #fd: number;
  #seq: number;
  #writes = 0;
  readonly #options: WriterOptions;

  private constructor(readonly file: string, fd: number, seq: number, options: WriterOptions) {
    this.#fd = fd;
    this.#seq = seq;
    this.#options = options;
  }

  /** Creates a new journal; the file must not exist. Its folder is fsynced so the file survives a crash. */
  static create(file: string, options: WriterOptions = {}): JournalWriter {
    const dir = path.dirname(file);
    const made = mkdirp(dir);
    const fd = wrap(() => openSync(file, "wx"), file);
    fsyncDir(dir);
    if (made !== undefined) fsyncDir(path.dirname(dir));
    return new JournalWriter(file, fd, 0, options);
  }

  /** Opens an existing journal to continue it, cutting off a torn last line first. */
  static resume(file: string, options: WriterOptions = {}): { writer: JournalWriter; read: ReadResult } {
    const read = readJournal(file);
    const fd = wrap(() => openSync(file, "r+"), file);
    if (read.torn) {
      wrap(() => ftruncateSync(fd, read.validBytes), file);
      wrap(() => fsyncSync(fd), file);
    }
    const writer = new JournalWriter(file, fd, read.events.length, options);
    writer.#position = read.validBytes;
    return { writer, read };
  }

  #position = 0;

  get lastSeq(): number {
    return this.#seq;
  }

  append(event: NewEvent, durable = true): JournalEvent {
    const full = { v: JOURNAL_VERSION, seq: this.#seq + 1, ts: (this.#options.now?.() ?? new Date()).toISOString(), ...event } as JournalEvent;
    const line = `${sealLine(JSON.stringify(full))}\n`;
    const bytes = Buffer.from(line);
    wrap(() => {
      let written = 0;
      while (written < bytes.length) written += writeSync(this.#fd, bytes, written, bytes.length - written, this.#position + written);
    }, this.file);
    this.#position += bytes.length;
    if (durable) wrap(() => fsyncSync(this.#fd), this.file);
    this.#seq++;
    this.#writes++;
    this.#options.afterWrite?.(this.#writes);
    return full;
  }

  /** Makes every write so far durable. */
  sync(): void {
    wrap(() => fsyncSync(this.#fd), this.file);
  }

  close(): void {
    if (this.#fd < 0) return;
    try {
      fsyncSync(this.#fd);
    } finally {
      closeSync(this.#fd);
      this.#fd = -1;
    }
  }
}

function wrap<T>(fn: () => T, file: string): T {
  try {
    return fn();
  } catch (e) {
    throw new JournalError(`cannot write journal ${file}: ${(e as Error).message}`);
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
