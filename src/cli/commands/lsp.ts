import { EXIT } from "../../core/errors.js";
import type { Io } from "../io.js";

/**
 * Starts the language server on this process's stdin and stdout; it runs until the editor sends
 * `exit` or closes the pipe. vscode-languageserver picks its transport from process.argv, so stdio
 * is made explicit when the editor did not pass `--stdio` itself.
 */
export default async function lsp(_io: Io): Promise<number> {
  if (!process.argv.includes("--stdio")) process.argv.push("--stdio");
  const { startLanguageServer } = await import("../../editor/language-server.js");
  startLanguageServer();
  return EXIT.ok;
}
