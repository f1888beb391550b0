import { writeSync } from "node:fs";
import type { Plugin } from "unified";
import { createUnifiedLanguageServer } from "unified-language-server";
import { lspProcessor } from "./lsp-processor.js";
import remarkRunbook from "./index.js";
import { FrameChecker, type FrameProblem } from "./lsp-frames.js";

/** How long a message may stay half-arrived: an editor writes each message whole, so a stall means its length was wrong. */
const STALL_MS = 10_000;

/**
 * A language server over stdio: unified-language-server runs remark with the project's own
 * `.remarkrc` plugins (remark-lint presets included) plus `remarkRunbook`, and publishes every
 * message as a diagnostic as the author types. Without a local `remark`, the runbook parser is used
 * and "Format Document" is `runbook fmt`. A message it cannot read ends it (see exitOnUnreadableFrames).
 */
export function startLanguageServer(): void {
  createUnifiedLanguageServer({
    configurationSection: "runbook",
    ignoreName: ".remarkignore",
    packageField: "remarkConfig",
    pluginPrefix: "remark",
    // The engine's plugin list is untyped (unknown options); remarkRunbook takes none here.
    plugins: [remarkRunbook as Plugin],
    processorName: "remark",
    processorSpecifier: "remark",
    // Formatting a document writes what `runbook fmt` writes.
    defaultProcessor: lspProcessor(),
    rcName: ".remarkrc",
  });
  // After the server's reader is listening (listen() is synchronous), so no chunk is missed.
  exitOnUnreadableFrames(process.stdin);
}

/**
 * The server's reader, given a frame it cannot read, waits forever: nothing after it can be found in
 * the stream. This listener sees each chunk first and ends the process with the reason on stderr
 * (exit code 1, as when the editor closes the pipe without `shutdown`), before the reader sees it.
 * A message left half-arrived for STALL_MS (a Content-Length larger than what was sent) ends it too;
 * the stall is judged after the event loop has polled, so a server busy linting is not mistaken
 * for an editor that stopped writing.
 */
function exitOnUnreadableFrames(input: NodeJS.ReadableStream): void {
  const checker = new FrameChecker();
  let chunks = 0;
  let timer: NodeJS.Timeout | undefined;
  const fail = (problem: FrameProblem): never => {
    const text = `runbook lsp: cannot read message ${problem.message} from the editor: ${problem.reason}. Exiting: no later message can be found in the stream (the editor should speak LSP over stdio: \`Content-Length: N\\r\\n\\r\\n\` and N bytes of JSON)\n`;
    try {
      writeSync(2, text);
    } catch {
      // stderr is gone too: the exit code says it.
    }
    process.exit(1);
  };
  input.prependListener("data", (data: Buffer | string) => {
    chunks++;
    clearTimeout(timer);
    const problem = checker.push(typeof data === "string" ? Buffer.from(data, "utf8") : data);
    if (problem) fail(problem);
    if (!checker.midMessage) return;
    const seen = chunks;
    timer = setTimeout(() => setImmediate(() => chunks === seen && fail(checker.stalled())), STALL_MS);
  });
}
