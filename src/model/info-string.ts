/** One word of a fence's info string: `confirm`, `timeout=30s`, `irreversible="a reason"`. */
export interface InfoToken {
  readonly key: string;
  /** Undefined for a bare flag. Quotes are removed and `\"` unescaped. */
  readonly value: string | undefined;
  /** Offset of the token within the info string. */
  readonly offset: number;
}

export interface InfoString {
  readonly lang: string;
  readonly tokens: readonly InfoToken[];
  /** A quote that never closed, as an offset. */
  readonly unclosedQuoteAt?: number;
}

/**
 * Splits an info string into the language and its attributes. Whitespace separates tokens
 * except inside single or double quotes, so `irreversible="cannot be undone"` is one token.
 * Never throws.
 */
export function parseInfoString(info: string): InfoString {
  const words: { text: string; offset: number }[] = [];
  let unclosedQuoteAt: number | undefined;
  let i = 0;
  while (i < info.length) {
    while (i < info.length && /\s/.test(info[i] ?? "")) i++;
    if (i >= info.length) break;
    const start = i;
    let text = "";
    while (i < info.length && !/\s/.test(info[i] ?? "")) {
      const c = info[i] ?? "";
      if (c === '"' || c === "'") {
        const quoteAt = i;
        i++;
        while (i < info.length && info[i] !== c) {
          if (info[i] === "\\" && c === '"' && i + 1 < info.length) i++;
          text += info[i];
          i++;
        }
        if (i >= info.length) unclosedQuoteAt ??= quoteAt;
        i++;
      } else {
        text += c;
        i++;
      }
    }
    words.push({ text, offset: start });
  }
  const [first, ...rest] = words;
  const tokens = rest.map(({ text, offset }, i): InfoToken => {
    // Only this token's own text: searching the rest of a long info string for each token was quadratic.
    const raw = info.slice(offset, rest[i + 1]?.offset ?? info.length);
    const eq = raw.indexOf("=");
    // The key is what precedes `=` in the raw text; the value is the unquoted remainder.
    if (eq > 0 && !/[\s"']/.test(raw.slice(0, eq))) {
      const key = raw.slice(0, eq);
      return { key, value: text.slice(key.length + 1), offset };
    }
    return { key: text, value: undefined, offset };
  });
  const result = { lang: first?.text ?? "", tokens };
  return unclosedQuoteAt === undefined ? result : { ...result, unclosedQuoteAt };
}
