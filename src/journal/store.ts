import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, linkSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { EXIT, JournalCorruptError, JournalError } from "../core/errors.js";
import { NotRegularFileError, openRegular } from "../system/open-regular.js";
import { fsyncDir } from "../system/fsync-dir.js";
import { sealLine, unsealLine } from "./checksum.js";
import { eventSchema, JOURNAL_VERSION, READABLE_VERSIONS, type JournalEvent, type NewEvent } from "./events.js";

export interface ScanResult {
  /** Events read (only counted when a callback takes them). */
  readonly count: number;
  /** A last line cut short by a crash: dropped, and reported. */
  readonly torn: { readonly line: number; readonly bytes: number } | undefined;
  /** Byte length of the valid part; appends continue from here. */
  readonly validBytes: number;
  /** The last line is complete and valid but its newline never reached the disk. */
  readonly missingNewline: boolean;
  /** Bytes read, to tell a journal that changed since (the whole file, unless a `limit` stopped the scan early). */
  readonly bytes: number;
}

export interface ReadResult extends ScanResult {
  readonly events: JournalEvent[];
}

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/**
 * Reads a journal line by line, as a stream: a journal larger than the largest string Node can hold
 * is still read. A torn last line is expected after a crash and is dropped (and reported); a
 * complete valid last line that only lacks its newline is kept; a damaged line anywhere else, a line
 * changed after it was written, a gap in sequence numbers or an unknown version is refused.
 * Symbolic links and anything but a regular file are refused too.
 */
export function scanJournal(file: string, onEvent: (e: JournalEvent) => void, limit = Infinity): ScanResult {
  let fd: number;
  try {
    // Never a blocking open: a FIFO or a device put where a journal should be is refused, not waited on.
    fd = openRegular(file).fd;
  } catch (e) {
    if (e instanceof NotRegularFileError) throw new JournalError(`cannot read journal ${file}: ${e.kind === "a symbolic link" ? "it is a symbolic link" : `not a regular file (${e.kind})`}`);
    const code = (e as NodeJS.ErrnoException).code;
    throw new JournalError(`cannot read journal ${file}: ${code === "ELOOP" ? "it is a symbolic link" : (code ?? String(e))}`);
  }
  try {
    return scanFd(fd, file, onEvent, limit);
  } catch (e) {
    if (e instanceof Enough) return e.result;
    throw e;
  } finally {
    closeSync(fd);
  }
}

export function readJournal(file: string): ReadResult {
  const events: JournalEvent[] = [];
  const scanned = scanJournal(file, (e) => events.push(e));
  return { ...scanned, events };
}

/** Thrown to stop a scan that has read the events it was asked for. */
class Enough {
  constructor(readonly result: ScanResult) {}
}

function scanFd(fd: number, file: string, onEvent: (e: JournalEvent) => void, limit: number): ScanResult {
  const buf = Buffer.allocUnsafe(CHUNK);
  let carry: Buffer = Buffer.alloc(0);
  let offset = 0; // bytes of the file consumed into complete lines
  let lineNo = 0;
  let count = 0;
  /** A bad line is only a torn tail if nothing follows it. */
  let bad: { line: number; why: string; bytes: number } | undefined;
  const take = (line: Buffer) => {
    lineNo++;
    if (bad) throw new JournalCorruptError(`${file}:${bad.line}: damaged journal line (${bad.why}); refusing to use this journal`, { hint: "A damaged line in the middle means the journal cannot be trusted: keep it for the record and start a new run." });
    const event = decode(line.toString("utf8"));
    if (typeof event === "string") {
      if (event.startsWith("!")) throw new JournalCorruptError(`${file}:${lineNo}: ${event.slice(1)}; refusing to use this journal`);
      bad = { line: lineNo, why: event, bytes: line.length + 1 };
      return;
    }
    if (event.seq !== count + 1) throw new JournalCorruptError(`${file}:${lineNo}: expected event ${count + 1}, found ${event.seq}; events are missing`);
    count++;
    onEvent(event);
    offset += line.length + 1;
    if (count >= limit) throw new Enough({ count, torn: undefined, validBytes: offset, missingNewline: false, bytes: offset });
  };
  let bytes = 0;
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK, null);
    if (n === 0) break;
    bytes += n;
    const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
    let start = 0;
    for (let nl = data.indexOf(NEWLINE, start); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
      take(data.subarray(start, nl));
      start = nl + 1;
    }
    // Copy the partial line out: `buf` is reused by the next read.
    carry = Buffer.from(data.subarray(start));
  }
  if (bad) {
    if (carry.length) throw new JournalCorruptError(`${file}:${bad.line}: damaged journal line (${bad.why}); refusing to use this journal`);
    return { count, torn: { line: bad.line, bytes: bad.bytes }, validBytes: offset, missingNewline: false, bytes };
  }
  if (carry.length === 0) return { count, torn: undefined, validBytes: offset, missingNewline: false, bytes };
  // The last line has no newline: complete and valid, it is kept; otherwise the crash tore it.
  const event = decode(carry.toString("utf8"));
  if (typeof event !== "string" && event.seq === count + 1) {
    onEvent(event);
    return { count: count + 1, torn: undefined, validBytes: offset + carry.length, missingNewline: true, bytes };
  }
  if (typeof event === "string" && event.startsWith("!")) throw new JournalCorruptError(`${file}:${lineNo + 1}: ${event.slice(1)}; refusing to use this journal`);
  return { count, torn: { line: lineNo + 1, bytes: carry.length }, validBytes: offset, missingNewline: false, bytes };
}

/** The event on a line, or why not. A reason starting with `!` is damage, never a torn write. */
function decode(line: string): JournalEvent | string {
  const json = unsealLine(line);
  if (json === undefined) {
    // A line cut short cannot parse: the checksum is its last key. One that parses was changed.
    try {
      JSON.parse(line);
      return "!the line was changed after it was written (its checksum does not match)";
    } catch {
      return "checksum mismatch or truncated";
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return "not JSON";
  }
  const v = typeof data === "object" && data !== null ? (data as { v?: unknown }).v : undefined;
  if (typeof v !== "number" || !READABLE_VERSIONS.includes(v)) return `!unknown journal version ${String(v)} (this runbook reads versions ${READABLE_VERSIONS.join(", ")}; a newer runbook wrote it)`;
  const parsed = eventSchema.safeParse(data);
  return parsed.success ? parsed.data : `!invalid event: ${parsed.error.issues[0]?.message ?? "?"}`;
}

export interface WriterOptions {
  /** Called after each append with the count so far: the crash-at-every-point tests hook in here. */
  readonly afterWrite?: (count: number) => void;
  readonly now?: () => Date;
}

/** Where a run's events go: the engine appends, the store makes them durable. */
export interface JournalSink {
  /** Stamps and appends an event; `durable` fsyncs it before returning. Throws JournalError. */
  append(event: NewEvent, durable?: boolean): JournalEvent;
  close(): void;
}

/**
 * Append-only JSONL, one sealed event per line. Every state-changing event is written and fsynced
 * before the caller moves on; output chunks are written at once and made durable by the next fsync.
 * A failed write or fsync throws and is not retried: the run must stop.
 */
export class JournalWriter implements JournalSink {
  #fd: number;
  #seq: number;
  #position: number;
  #writes = 0;
  readonly #options: WriterOptions;

  private constructor(readonly file: string, fd: number, seq: number, position: number, options: WriterOptions) {
    this.#fd = fd;
    this.#seq = seq;
    this.#position = position;
    this.#options = options;
  }

  /**
   * Creates a journal holding its first event, all at once: the file is written and fsynced under a
   * temporary name, then linked into place (which fails if the run id exists). A crash at any moment
   * leaves either no journal or one with a complete first event, never an empty one.
   */
  static create<E extends NewEvent>(file: string, first: E, options: WriterOptions = {}): { writer: JournalWriter; event: Extract<JournalEvent, { type: E["type"] }> } {
    const dir = path.dirname(file);
    const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
    const fd = wrap(() => openSync(tmp, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600), file);
    const writer = new JournalWriter(file, fd, 0, 0, options);
    let event: JournalEvent;
    try {
      event = writer.#write(first, true);
      wrap(() => linkSync(tmp, file), file);
    } catch (e) {
      closeSync(fd);
      throw e;
    } finally {
      unlinkQuiet(tmp);
    }
    fsyncDir(dir);
    writer.#counted();
    return { writer, event: event as Extract<JournalEvent, { type: E["type"] }> };
  }

  /**
   * Opens an existing journal to continue it. Cuts off a torn last line first (only ever called with
   * the runbook's lock and the journal's writer lock held, so no live writer's line is cut), and ends
   * an unterminated last line. A journal that changed since it was scanned is refused: what was read
   * is no longer what is there.
   */
  static continue(file: string, scanned: ScanResult, options: WriterOptions = {}): JournalWriter {
    if (scanned.count === 0) throw new JournalError(`journal ${file} holds no complete event`, { hint: "The run never started: delete the file." });
    const fd = wrap(() => openSync(file, constants.O_RDWR | constants.O_NOFOLLOW), file);
    const size = fstatSync(fd).size;
    if (size !== scanned.bytes) {
      closeSync(fd);
      throw new JournalError(`journal ${file} changed while it was read (${scanned.bytes} bytes then, ${size} now); nothing was written`, { hint: "Another process wrote to it: try again." });
    }
    const writer = new JournalWriter(file, fd, scanned.count, scanned.validBytes, options);
    if (scanned.torn) {
      wrap(() => ftruncateSync(fd, scanned.validBytes), file);
      wrap(() => fsyncSync(fd), file);
    }
    if (scanned.missingNewline) writer.#raw(Buffer.from("\n"), true);
    return writer;
  }

  get lastSeq(): number {
    return this.#seq;
  }

  append(event: NewEvent, durable = true): JournalEvent {
    const full = this.#write(event, durable);
    this.#counted();
    return full;
  }

  #write(event: NewEvent, durable: boolean): JournalEvent {
    if (this.#fd < 0) throw new JournalError(`journal ${this.file} is closed`, { exitCode: EXIT.internal });
    const full = { v: JOURNAL_VERSION, seq: this.#seq + 1, ts: (this.#options.now?.() ?? new Date()).toISOString(), ...event } as JournalEvent;
    this.#raw(Buffer.from(`${sealLine(JSON.stringify(full))}\n`), durable);
    this.#seq++;
    return full;
  }

  #raw(bytes: Buffer, durable: boolean): void {
    wrap(() => {
      let written = 0;
      while (written < bytes.length) written += writeSync(this.#fd, bytes, written, bytes.length - written, this.#position + written);
    }, this.file);
    this.#position += bytes.length;
    if (durable) wrap(() => fsyncSync(this.#fd), this.file);
  }

  #counted(): void {
    this.#writes++;
    this.#options.afterWrite?.(this.#writes);
  }

  close(): void {
    if (this.#fd < 0) return;
    try {
      fsyncSync(this.#fd);
    } catch {
      // Closing after a failed write: the failure was already reported.
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
    if (e instanceof JournalError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOSPC" ? "the disk is full" : code === "EEXIST" ? "it already exists" : code === "ELOOP" ? "it is a symbolic link" : (e as Error).message;
    throw new JournalError(`cannot write journal ${file}: ${why}; the run stopped because it can no longer be recorded`, { exitCode: EXIT.findings, cause: e });
  }
}

function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

