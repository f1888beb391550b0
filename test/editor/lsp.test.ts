import { writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import {
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  type Diagnostic,
  type PublishDiagnosticsParams,
} from "vscode-languageserver-protocol";
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from "vscode-languageserver-protocol/node.js";
import { formatRunbook } from "../../src/authoring/format-runbook.js";
import { BIN } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const TYPO = "---\nid: typo\nowner: team-a\n---\n# Typo\n\n## Steps\n### Check {#check}\n```sh timout=30s\necho \"$REGION\"\n```\n";
const stopAfter: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stopAfter.splice(0)) await stop();
});

/** `runbook lsp` as an editor starts it, with a real LSP client on its stdio. */
async function startServer(workspace: string) {
  const child = execa(process.execPath, [BIN, "lsp", "--stdio"], { cwd: workspace, reject: false, env: { NO_COLOR: "1" } });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published: PublishDiagnosticsParams[] = [];
  const waiters: (() => void)[] = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
    for (const w of waiters.splice(0)) w();
  });
  connection.listen();
  /** Waits for the next diagnostics for `uri` that satisfy `ok` (the server may publish more than once). */
  const diagnostics = (uri: string, ok: (d: Diagnostic[]) => boolean) =>
    new Promise<Diagnostic[]>((resolve) => {
      const check = () => {
        const hit = published.find((p) => p.uri === uri && ok(p.diagnostics));
        if (hit) resolve(hit.diagnostics);
        else waiters.push(check);
      };
      check();
    });
  stopAfter.push(async () => {
    connection.dispose();
    child.kill();
    await child;
  });
  return { child, connection, diagnostics, published };
}

describe("runbook lsp", () => {
  it("publishes runbook diagnostics on open and on change, with ranges and quick fixes", async () => {
    const dir = await tempDir("runbook-lsp-");
    await writeFile(path.join(dir, "package.json"), "{}");
    const file = path.join(dir, "typo.md");
    await writeFile(file, TYPO);
    const uri = pathToFileURL(file).href;
    const { child, connection, diagnostics } = await startServer(dir);

    const init = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: "ws" }],
      capabilities: {},
    });
    expect(init.capabilities.codeActionProvider).toBeTruthy();
    await connection.sendNotification(InitializedNotification.type, {});

    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "markdown", version: 1, text: TYPO } });
    const opened = await diagnostics(uri, (d) => d.some((x) => x.code === "fence-attributes"));
    const attr = opened.find((d) => d.code === "fence-attributes");
    // LSP positions are 0-based: line 9, columns 7-13 of the file are `timout`.
    expect(attr).toMatchObject({ source: "runbook", severity: 1, range: { start: { line: 8, character: 6 }, end: { line: 8, character: 12 } }, data: { expected: ["timeout"] } });
    expect(attr?.codeDescription?.href).toMatch(/docs\/rules\.md#fence-attributes$/);
    const param = opened.find((d) => d.code === "param-declared");
    expect(param?.range).toEqual({ start: { line: 9, character: 6 }, end: { line: 9, character: 13 } });

    const actions = await connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: attr!.range, context: { diagnostics: [attr!] } });
    expect(JSON.stringify(actions)).toContain('"newText":"timeout"');

    // The author fixes the attribute and declares the param: only the never-verified warning is left.
    const fixed = TYPO.replace("timout", "timeout").replace("owner: team-a\n", "owner: team-a\nparams:\n  REGION: {default: eu}\n");
    await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    const changed = await diagnostics(uri, (d) => !d.some((x) => x.code === "fence-attributes"));
    expect(changed.map((d) => [d.code, d.severity, d.range.start.line])).toEqual([["stale-never-verified", 2, 0]]);

    // "Format Document" writes what `runbook fmt` writes (the project has no remark of its own).
    const edits = await connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    const fmt = formatRunbook(fixed);
    expect("output" in fmt && fmt.output).toContain("### Check {#check}\n");
    expect(edits?.map((e) => e.newText)).toEqual(["output" in fmt ? fmt.output : ""]);

    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    const done = await child;
    expect(done.exitCode).toBe(0);
  });
});

describe("runbook lsp on a stream it cannot read", () => {
  /** Writes to a real server and keeps its stdin open, as an editor does: only the server can end it. */
  const feed = async (chunks: string[], timeout = 30_000) => {
    const dir = await tempDir("runbook-lsp-frames-");
    const child = execa(process.execPath, [BIN, "lsp", "--stdio"], { cwd: dir, reject: false, env: { NO_COLOR: "1" }, timeout });
    stopAfter.push(async () => {
      child.kill();
      await child;
    });
    let stdout = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    for (const c of chunks) {
      child.stdin!.write(c);
      // The next chunk goes once the server has answered the last whole request.
      if (c.includes('"id"')) await Promise.race([new Promise<void>((resolve) => child.stdout!.once("data", () => resolve())), child]);
    }
    const done = await child;
    return { exitCode: done.exitCode, timedOut: done.timedOut, stderr: String(done.stderr), stdout };
  };
  const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const INIT = frame(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } }));

  it("exits with code 1 and the reason on stderr, instead of waiting forever", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["Content-Type: application/vscode-jsonrpc\r\n\r\n{}"], /message 1 from the editor: its header has no Content-Length/],
      [["Content-Length: twelve\r\n\r\n{}"], /message 1 from the editor: its Content-Length `twelve` is not a number of bytes/],
      [['{"jsonrpc":"2.0","id":1,"method":"initialize"}\n'], /message 1 from the editor: expected a header such as `Content-Length: 123`/],
      // A good initialize is answered first; the second message's body is not JSON.
      [[INIT, "Content-Length: 9\r\n\r\nnot json!"], /message 2 from the editor: its body is not JSON: `not json!`/],
      [["Content-Length: 500\r\n\r\n{}", frame("{}")], /message 1 from the editor: its Content-Length 500 is more than its body/],
    ];
    for (const [chunks, reason] of cases) {
      const r = await feed(chunks);
      expect([r.exitCode, r.timedOut], JSON.stringify(chunks)).toEqual([1, false]);
      expect(r.stderr).toMatch(new RegExp(`^runbook lsp: cannot read ${reason.source}.*\\. Exiting: no later message can be found in the stream`));
      expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    }
    expect((await feed([INIT, "Content-Length: 3\r\n\r\n{x}"])).stdout).toContain('"capabilities"');
  }, 120_000);

  it("exits when a message stays cut short (a Content-Length larger than what was sent, then silence)", async () => {
    const r = await feed([INIT, "Content-Length: 300\r\n\r\n{}"]);
    expect([r.exitCode, r.timedOut]).toEqual([1, false]);
    expect(r.stderr).toMatch(/^runbook lsp: cannot read message 2 from the editor: its body stops after 2 of the 300 bytes its Content-Length promised\./);
  }, 60_000);
});
