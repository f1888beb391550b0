import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameChecker } from "../../src/editor/lsp-frames.js";

const frame = (body: string, headers = "") => `Content-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`;
const check = (...chunks: string[]) => {
  const checker = new FrameChecker();
  let problem;
  for (const c of chunks) problem ??= checker.push(Buffer.from(c, "utf8"));
  return { problem, checker };
};
const INIT = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { processId: null, capabilities: {}, text: "ünïcode – \\r\\n" } });

describe("the language server's frame checker", () => {
  it("reads well-formed frames, however the stream cuts them, and knows when one is half-arrived", () => {
    expect(check(frame(INIT), frame("{}", "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"))).toMatchObject({ problem: undefined, checker: { midMessage: false } });
    const { checker } = check(frame(INIT).slice(0, 30));
    expect(checker.midMessage).toBe(true);
    expect(checker.stalled()).toEqual({ message: 1, reason: expect.stringMatching(/^its body stops after \d+ of the \d+ bytes its Content-Length promised$/) });
    expect(check("Content-Len").checker.stalled().reason).toBe("its header stops before the blank line that ends it");
  });

  it("names each frame it cannot read, and which message it was", () => {
    const reasons: Array<[string[], number, RegExp]> = [
      [["Content-Type: x\r\n\r\n{}"], 1, /^its header has no Content-Length \(got content-type\)$/],
      [["Content-Length: abc\r\n\r\n{}"], 1, /^its Content-Length `abc` is not a number of bytes$/],
      [["Content-Length: -1\r\n\r\n"], 1, /is not a number of bytes/],
      [["Content-Length: 999999999999\r\n\r\n"], 1, /is over 64 MiB/],
      [["Content-Length: 2\r\nContent-Type: application/json; charset=latin1\r\n\r\n{}"], 1, /charset `latin1`; only utf-8/],
      [[frame(INIT), "Content-Length: 2\r\n\r\nxx"], 2, /^its body is not JSON: `xx`$/],
      [['{"jsonrpc":"2.0"}\n'], 1, /^expected a header such as `Content-Length: 123`, got `\{"jsonrpc":"2.0"\}`$/],
      [["{"], 1, /^expected a header/],
      [["Content-Length: 2\n\n{}"], 1, /bare LF/],
      [["Content-Length: 99\r\n\r\n{}", frame("{}")], 1, /^its Content-Length 99 is more than its body: the next message's header arrived inside it$/],
      [["X".repeat(9000)], 1, /over 8 KiB/],
    ];
    for (const [chunks, message, reason] of reasons) {
      const { problem } = check(...chunks);
      expect(problem, JSON.stringify(chunks)).toMatchObject({ message, reason: expect.stringMatching(reason) });
    }
  });

  it("finds the next header in a body that comes in many chunks, even split across two (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (cut) => {
        const stream = `Content-Length: 5000\r\n\r\n${"{".repeat(100)}${frame("{}")}`;
        const chunks = Array.from({ length: Math.ceil(stream.length / cut) }, (_, i) => stream.slice(i * cut, (i + 1) * cut));
        expect(check(...chunks).problem?.reason).toMatch(/next message's header arrived inside it/);
      }),
    );
  });

  it("never throws on random bytes, and accepts any sequence of valid frames cut anywhere (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
        const checker = new FrameChecker();
        for (const c of chunks) checker.push(Buffer.from(c));
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 8 }), (values, cuts) => {
        const bytes = Buffer.from(values.map((v) => frame(JSON.stringify(v))).join(""), "utf8");
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const checker = new FrameChecker();
        let from = 0;
        for (const to of [...at, bytes.length]) {
          expect(checker.push(bytes.subarray(from, to))).toBeUndefined();
          from = to;
        }
        expect(checker.midMessage).toBe(false);
      }),
    );
  });
});
