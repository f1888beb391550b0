import path from "node:path";
import type { Root } from "mdast";
import type { Plugin } from "unified";
import type { VFile } from "vfile";
import { RunbookError } from "../core/errors.js";
import { loadConfig } from "../system/config-file.js";
import { lintText } from "../check/pipeline/lint-text.js";
import { RULE_IDS } from "../check/registry.js";
import { addMessages } from "./messages.js";
import { verifiedHistory } from "./verified-history.js";

export interface RemarkRunbookOptions {
  /** Lint every file, even Markdown without frontmatter (by default README.md and such draw nothing). */
  readonly all?: boolean;
  /** A `runbook.config.yaml` to use instead of the one found above the file. */
  readonly config?: string;
}

/**
 * `runbook lint` as a remark plugin: every finding becomes a VFile message with its rule id,
 * `source: "runbook"`, its place, a link to the rule's docs and, where the rule knows the fix,
 * `expected`. The file's text is read as `runbook lint` reads it, so the findings are the same
 * (`stale-changed` too: git is asked for the file's history, at most every ten seconds per text).
 */
const remarkRunbook: Plugin<[RemarkRunbookOptions?], Root> = function (options = {}) {
  // In a processor made from the runbook parser (the language server's default), the tree given is
  // the one `buildRunbook` would parse: linted as it is, not parsed a second time.
  const sameParser = this.data("runbookParser") === true;
  return async (tree: Root, file: VFile) => {
    const text = String(file.value ?? "");
    if (!options.all && !/^\uFEFF?---[ \t]*\r?\n/.test(text)) return;
    // Listed in a .remarkrc and added by `runbook lsp` too: report once.
    if (file.data.runbookLinted) return;
    file.data.runbookLinted = true;
    const name = file.path ? path.relative(file.cwd, file.path) || file.path : "runbook.md";
    let config;
    try {
      // An explicit config is relative to where the tool runs; otherwise it is found above the file.
      ({ config } = options.config ? await loadConfig(file.cwd, options.config, RULE_IDS) : await loadConfig(file.dirname ?? file.cwd, undefined, RULE_IDS));
    } catch (error) {
      if (!(error instanceof RunbookError)) throw error;
      file.message(error.message, { ruleId: "config", source: "runbook" }).fatal = true;
      return;
    }
    // The check pipeline's parse and rules stages; git is asked here, at the edge, for this one file.
    const at = file.path ? path.resolve(file.cwd, file.path) : undefined;
    const diagnostics = await lintText({ name, text, tree: sameParser ? tree : undefined, config, env: process.env, history: (runbook) => (at ? verifiedHistory(at, runbook) : undefined) });
    addMessages(file, diagnostics);
  };
};

export default remarkRunbook;

declare module "vfile" {
  interface DataMap {
    runbookLinted: boolean;
  }
}
