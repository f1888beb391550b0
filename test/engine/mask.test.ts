import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SecretMasker } from "../../src/engine/mask.js";

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
