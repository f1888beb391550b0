import type { Plugin } from "unified";
import runbookCompiler from "../format/remark-compiler.js";
import { createUnifiedLanguageServer } from "unified-language-server";
import { markdownParser, refuseSlowShapes } from "../parse/markdown.js";
import remarkRunbook from "./index.js";

/**
 * A language server over stdio: unified-language-server runs remark with the project's own
 * `.remarkrc` plugins (remark-lint presets included) plus `remarkRunbook`, and publishes every
 * message as a diagnostic as the author types. Without a local `remark`, the runbook parser is used
 * and "Format Document" is `runbook fmt`.
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
    defaultProcessor: markdownParser().use(refuseSlowShapes).use(runbookCompiler),
    rcName: ".remarkrc",
  });
}
