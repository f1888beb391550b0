import { MASKED } from "../core/masked.js";

/** Characters `printf %q` (bash) puts a backslash before. */
const SHELL_SPECIAL = new Set(" !\"$&'()*,;<>?[\\]^`{|}");
/** Line widths at which base64 tools wrap: GNU base64 and MIME at 76 columns, PEM and openssl at 64. */
const WRAP_WIDTHS = [64, 76];
const B64 = "[A-Za-z0-9+/=_-]";
/** A run of wrapped base64: full-width lines, then the line where the block ends. */
const WRAPPED_RUN = new RegExp(`^(?:(?:${B64}{76}|${B64}{64})\\r?\\n)+${B64}*`, "gm");
const isB64 = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61 || c === 95 || c === 45;

/** The base64 of a secret wherever it sits in the encoded data: one form per byte alignment. */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const n = k + bytes.length;
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString("base64");
    // Drop the characters that depend on the padding bytes before, and on unknown bytes after.
    const stable = enc.slice(k === 0 ? 0 : k + 1, Math.floor(n / 3) * 4);
    if (stable.length >= 8) out.push(stable, stable.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return out;
}

/** Percent-encoding of the UTF-8 bytes; `keep` says which ASCII characters stay as they are. */
function percentEncode(secret: string, keep: (c: string) => boolean, spaceAsPlus: boolean, lower: boolean): string {
  let out = "";
  for (const byte of Buffer.from(secret)) {
    const c = String.fromCharCode(byte);
    if (byte < 128 && keep(c)) out += c;
    else if (spaceAsPlus && c === " ") out += "+";
    else {
      const hex = byte.toString(16).padStart(2, "0");
      out += `%${lower ? hex : hex.toUpperCase()}`;
    }
  }
  return out;
}

const unreserved = (c: string) => /[A-Za-z0-9_.~-]/.test(c);

/** JSON string contents with every non-ASCII character as `\u00fc` (Python's json.dumps, ensure_ascii). */
function jsonAscii(secret: string, upper: boolean): string {
  const json = JSON.stringify(secret).slice(1, -1);
  return json.replace(/[\u0080-\uffff]/g, (c) => {
    const hex = c.charCodeAt(0).toString(16).padStart(4, "0");
    return `\\u${upper ? hex.toUpperCase() : hex}`;
  });
}

/**
 * The forms in which a secret may show up in output: as is; base64-encoded at each of the three
 * byte alignments (as GitHub Actions masks them); percent-encoded as JavaScript's
 * encodeURIComponent, Python's quote and quote_plus write it (upper- and lower-case hex);
 * JSON-escaped, with and without `\u` escapes for non-ASCII and `\/`; shell-quoted as
 * `printf %q` and `${var@Q}` write it; and line by line for a multi-line secret such as a PEM
 * key. Base64 broken over lines is handled by SecretMasker itself.
 */
export function secretVariants(secret: string): string[] {
  const out = new Set<string>([secret, ...base64Forms(secret)]);
  out.add(Buffer.from(secret).toString("base64"));
  out.add(encodeURIComponent(secret));
  for (const lower of [false, true]) {
    out.add(percentEncode(secret, (c) => unreserved(c) || c === "/", false, lower));
    out.add(percentEncode(secret, unreserved, false, lower));
    out.add(percentEncode(secret, unreserved, true, lower));
    out.add(percentEncode(secret, (c) => unreserved(c) || "!'()*".includes(c), false, lower));
  }
  const json = JSON.stringify(secret).slice(1, -1);
  out.add(json);
  out.add(json.replace(/\//g, "\\/"));
  out.add(jsonAscii(secret, false));
  out.add(jsonAscii(secret, true));
  out.add([...secret].map((c) => (SHELL_SPECIAL.has(c) ? `\\${c}` : c)).join(""));
  out.add(secret.replace(/'/g, "'\\''"));
  if (/[\r\n]/.test(secret)) {
    out.add(secret.replace(/\r?\n/g, "\r\n"));
    for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 4) out.add(line.trim());
  }
  return [...out].filter((v) => v.length > 0).sort((a, b) => b.length - a.length);
}

/**
 * Masks secrets in a stream of text that arrives in pieces. Text is passed on at once unless its
 * end could be the start of a secret; that tail is held until the next piece shows which it is.
 */
export class SecretMasker {
  readonly #variants: string[];
  /** Base64 forms to look for across the line breaks of wrapped base64. */
  readonly #wrapped: string[];
  /** The longest stretch of wrapped base64 a secret's encoding can span. */
  readonly #wrappedSpan: number;
  #held = "";

  constructor(secrets: Iterable<string>) {
    const all = new Set<string>();
    const wrapped = new Set<string>();
    for (const s of secrets) {
      if (s.length === 0) continue;
      for (const v of secretVariants(s)) all.add(v);
      for (const v of base64Forms(s)) wrapped.add(v);
    }
    this.#variants = [...all].sort((a, b) => b.length - a.length);
    this.#wrapped = [...wrapped].sort((a, b) => b.length - a.length);
    const longest = this.#wrapped[0]?.length ?? 0;
    this.#wrappedSpan = longest === 0 ? 0 : longest + 2 * Math.ceil(longest / Math.min(...WRAP_WIDTHS)) + 2 * Math.max(...WRAP_WIDTHS);
  }

  get active(): boolean {
    return this.#variants.length > 0;
  }

  /** Masks a complete text. */
  mask(text: string): string {
    let out = text;
    for (const v of this.#variants) if (out.includes(v)) out = out.split(v).join(MASKED);
    return this.#wrapped.length ? out.replace(WRAPPED_RUN, (run) => this.#maskWrapped(run)) : out;
  }

  /** Takes the next piece; returns what is safe to show now. */
  push(text: string): string {
    if (!this.active) return text;
    const buf = this.mask(this.#held + text);
    const keep = Math.max(this.#heldTail(buf), this.#wrappedTail(buf));
    this.#held = buf.slice(buf.length - keep);
    return buf.slice(0, buf.length - keep);
  }

  /** The stream ended: whatever is held is not a secret. */
  flush(): string {
    const rest = this.#held;
    this.#held = "";
    return rest;
  }

  /** Length of the longest end of `buf` that is a proper start of some secret form. */
  #heldTail(buf: string): number {
    let best = 0;
    for (const v of this.#variants) {
      const from = Math.max(0, buf.length - (v.length - 1));
      for (let i = from; i < buf.length; i++) {
        if (buf.length - i <= best) break;
        if (buf.charCodeAt(i) === v.charCodeAt(0) && v.startsWith(buf.slice(i))) {
          best = buf.length - i;
          break;
        }
      }
    }
    return best;
  }

  /**
   * A secret's base64 broken over lines: the lines are joined, the forms looked for, and each
   * line's share of a match masked where it stands.
   */
  #maskWrapped(run: string): string {
    const lines = run.split(/(\r?\n)/);
    const joined = lines.filter((_, i) => i % 2 === 0).join("");
    const hidden = new Uint8Array(joined.length);
    let any = false;
    for (const v of this.#wrapped) {
      for (let at = joined.indexOf(v); at !== -1; at = joined.indexOf(v, at + 1)) {
        hidden.fill(1, at, at + v.length);
        any = true;
      }
    }
    if (!any) return run;
    let out = "";
    let pos = 0;
    lines.forEach((part, i) => {
      if (i % 2 === 1) {
        out += part;
        return;
      }
      for (let j = 0; j < part.length; j++) {
        if (!hidden[pos + j]) out += part[j];
        else if (j === 0 || !hidden[pos + j - 1]) out += MASKED;
      }
      pos += part.length;
    });
    return out;
  }

  /**
   * Length of the end of `buf` that may be wrapped base64 still being written: the last line, if
   * it is base64 so far, and the full-width base64 lines before it. A secret's encoding may continue
   * there, so it is held, from a line's start: the lines must be seen whole to be joined.
   */
  #wrappedTail(buf: string): number {
    if (this.#wrappedSpan === 0) return 0;
    let i = buf.length;
    while (i > 0 && isB64(buf.charCodeAt(i - 1))) i--;
    let start = i < buf.length && buf.length - i <= Math.max(...WRAP_WIDTHS) && (i === 0 || buf.charCodeAt(i - 1) === 10) ? i : -1;
    for (;;) {
      let end = i;
      if (buf.charCodeAt(end - 1) !== 10) break;
      end--;
      if (buf.charCodeAt(end - 1) === 13) end--;
      let j = end;
      while (j > 0 && end - j <= 76 && isB64(buf.charCodeAt(j - 1))) j--;
      if ((j > 0 && buf.charCodeAt(j - 1) !== 10) || !WRAP_WIDTHS.includes(end - j)) break;
      start = j;
      i = j;
      if (buf.length - start > this.#wrappedSpan) break;
    }
    return start === -1 ? 0 : Math.min(buf.length - start, this.#wrappedSpan);
  }
}
