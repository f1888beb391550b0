export const MASK = "***";

/**
 * The forms in which a secret may show up in output: as is, base64-encoded at each of the three
 * byte alignments (as GitHub Actions masks them), URL- and JSON-escaped, and line by line for a
 * multi-line secret such as a PEM key.
 */
export function secretVariants(secret: string): string[] {
  const out = new Set<string>([secret]);
  const bytes = Buffer.from(secret);
  for (let k = 0; k < 3; k++) {
    const n = k + bytes.length;
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString("base64");
    // Drop the characters that depend on the padding bytes before, and on unknown bytes after.
    const stable = enc.slice(k === 0 ? 0 : k + 1, Math.floor(n / 3) * 4);
    if (stable.length >= 8) {
      out.add(stable);
      out.add(stable.replace(/\+/g, "-").replace(/\//g, "_"));
    }
  }
  out.add(Buffer.from(secret).toString("base64"));
  out.add(encodeURIComponent(secret));
  out.add(JSON.stringify(secret).slice(1, -1));
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
  #held = "";

  constructor(secrets: Iterable<string>) {
    const all = new Set<string>();
    for (const s of secrets) if (s.length > 0) for (const v of secretVariants(s)) all.add(v);
    this.#variants = [...all].sort((a, b) => b.length - a.length);
  }

  get active(): boolean {
    return this.#variants.length > 0;
  }

  /** Masks a complete text. */
  mask(text: string): string {
    let out = text;
    for (const v of this.#variants) if (out.includes(v)) out = out.split(v).join(MASK);
    return out;
  }

  /** Takes the next piece; returns what is safe to show now. */
  push(text: string): string {
    if (!this.active) return text;
    const buf = this.mask(this.#held + text);
    const keep = this.#heldTail(buf);
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
}
