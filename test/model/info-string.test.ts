import { describe, expect, it } from "vitest";
import { parseInfoString } from "../../src/model/info-string.js";

describe("parseInfoString", () => {
  it("splits flags and key=value pairs, with quoted values", () => {
    const r = parseInfoString(`sh confirm timeout=30s irreversible="can't be \\"undone\\"" cwd='a b'`);
    expect(r.lang).toBe("sh");
    expect(r.tokens.map((t) => [t.key, t.value, t.offset])).toEqual([
      ["confirm", undefined, 3],
      ["timeout", "30s", 11],
      ["irreversible", `can't be "undone"`, 23],
      ["cwd", "a b", 58],
    ]);
  });

  it("reports an unclosed quote instead of throwing", () => {
    expect(parseInfoString('sh irreversible="oops').unclosedQuoteAt).toBe(16);
  });

  it("treats a JSON blob as one token", () => {
    expect(parseInfoString('sh {"name":"echo hi"}').tokens).toHaveLength(1);
  });
});
