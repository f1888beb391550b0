import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SecretMasker } from "../../src/run/mask.js";

const stream = (m: SecretMasker, chunks: string[]) => chunks.map((c) => m.push(c)).join("") + m.flush();

describe("SecretMasker", () => {
  it("masks a secret split across chunks, and passes other text on at once", () => {
    const m = new SecretMasker(["s3cr3t-value"]);
    expect(m.push("before s3cr")).toBe("before ");
    expect(m.push("3t-value after")).toBe("*** after");
    expect(m.flush()).toBe("");
    expect(new SecretMasker(["s3cr3t-value"]).push("plain text\n")).toBe("plain text\n");
  });

  it("masks base64 at every alignment, and URL- and JSON-escaped forms", () => {
    const secret = "p@ss word/with\"quotes";
    const m = new SecretMasker([secret]);
    for (const prefix of ["", "a", "ab"]) {
      const b64 = Buffer.from(prefix + secret).toString("base64");
      expect(m.mask(b64)).toContain("***");
      expect(m.mask(b64)).not.toContain(Buffer.from(secret).toString("base64").slice(4, 16));
    }
    expect(m.mask(encodeURIComponent(secret))).toBe("***");
    expect(m.mask(JSON.stringify({ secret }))).toBe('{"secret":"***"}');
  });

  it("masks a multi-line secret whole and line by line", () => {
    const pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----";
    const m = new SecretMasker([pem]);
    expect(m.mask(`key:\n${pem}\n`)).toBe("key:\n***\n");
    expect(m.mask("BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj")).toBe("***");
  });

  it("gives the same result however the stream is cut", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 12 }), fc.array(fc.string({ maxLength: 8 }), { maxLength: 6 }), fc.array(fc.nat(60), { maxLength: 6 }), (secret, noise, cuts) => {
        const text = noise.join(secret);
        const whole = new SecretMasker([secret]).mask(text);
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points, text.length].slice(1).map((end, i, all) => text.slice(i === 0 ? 0 : all[i - 1], end));
        chunks.unshift(text.slice(0, 0));
        expect(stream(new SecretMasker([secret]), chunks)).toBe(whole);
        expect(whole.includes(secret)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

// Issue 13, case 7: encodings the masker missed.
describe("SecretMasker: the encodings of issue 13", () => {
  const secret = "pässwörd/with spaces&quotes\"'!*()~é-x";
  const wrap = (s: string, width: number) => s.replace(new RegExp(`(.{${width}})`, "g"), "$1\n");

  it("masks base64 wrapped at 76 (GNU base64) and 64 (PEM) columns, wherever the secret sits", () => {
    const long = `${secret}-${"0123456789".repeat(8)}`;
    const m = new SecretMasker([long]);
    // The secret's base64 at each alignment, less the characters that depend on its neighbours.
    const forms = [0, 1, 2].map((k) => Buffer.from(`${"a".repeat(k)}${long}`).toString("base64").slice(k === 0 ? 0 : k + 1, -4));
    for (const width of [76, 64]) {
      for (const prefix of ["", "a", "ab", "some header text before it: "]) {
        const b64 = wrap(Buffer.from(`${prefix}${long}\nafter`).toString("base64"), width);
        const out = m.mask(b64);
        expect(out).toContain("***");
        // No 12 characters of any form survive on any line.
        for (const line of out.split("\n")) for (const f of forms) for (let i = 0; i + 12 <= f.length; i++) expect(line.includes(f.slice(i, i + 12)), `${width}/${prefix}: ${line}`).toBe(false);
      }
    }
  });

  it("masks wrapped base64 that arrives in pieces, however it is cut", () => {
    const long = `${secret}-${"abcdefghij".repeat(6)}`;
    const b64 = wrap(Buffer.from(`x${long}`).toString("base64"), 76);
    const whole = new SecretMasker([long]).mask(b64);
    fc.assert(
      fc.property(fc.array(fc.nat(b64.length), { maxLength: 8 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks = [0, ...points].map((start, i) => b64.slice(start, points[i] ?? b64.length));
        expect(stream(new SecretMasker([long]), chunks)).toBe(whole);
      }),
      { numRuns: 200 },
    );
  });

  it("masks the base64 of an 8-character secret at every alignment, with or without a newline after it", () => {
    const short = "s3cr3t!x";
    const m = new SecretMasker([short]);
    for (const prefix of ["", "a", "ab"]) {
      for (const suffix of ["", "\n"]) {
        const b64 = Buffer.from(`${prefix}${short}${suffix}`).toString("base64");
        expect(m.mask(b64), `${JSON.stringify(prefix)}+${JSON.stringify(suffix)}`).toContain("***");
      }
    }
  });

  it("masks percent-encoding (encodeURIComponent, Python quote and quote_plus, lower-case hex), JSON \\u escapes and shell quoting", () => {
    const m = new SecretMasker([secret]);
    const forms = [
      encodeURIComponent(secret),
      // Python: quote(s), quote(s, safe=""), quote_plus(s)
      "p%C3%A4ssw%C3%B6rd/with%20spaces%26quotes%22%27%21%2A%28%29~%C3%A9-x",
      "p%C3%A4ssw%C3%B6rd%2Fwith%20spaces%26quotes%22%27%21%2A%28%29~%C3%A9-x",
      "p%C3%A4ssw%C3%B6rd%2Fwith+spaces%26quotes%22%27%21%2A%28%29~%C3%A9-x",
      "p%c3%a4ssw%c3%b6rd/with%20spaces%26quotes%22%27%21%2a%28%29~%c3%a9-x",
      // Python json.dumps (ensure_ascii) and PHP's escaped slashes
      'p\\u00e4ssw\\u00f6rd/with spaces&quotes\\"\'!*()~\\u00e9-x',
      'p\\u00E4ssw\\u00F6rd/with spaces&quotes\\"\'!*()~\\u00E9-x',
      'pässwörd\\/with spaces&quotes\\"\'!*()~é-x',
      // bash: printf %q "$S" and ${S@Q}
      "pässwörd/with\\ spaces\\&quotes\\\"\\'\\!\\*\\(\\)~é-x",
      "pässwörd/with spaces&quotes\"'\\''!*()~é-x",
    ];
    for (const f of forms) expect(m.mask(`[${f}]`), f).toBe("[***]");
  });
});
