import path from "node:path";
import type { Root } from "mdast";
import type { Plugin } from "unified";
import type { VFile } from "vfile";
import { RunbookError } from "../errors.js";
import { commandLookup } from "../files/command-exists.js";
import { loadConfig } from "../files/config.js";
import { lintRunbook } from "../lint/lint.js";
import { effectiveSeverities } from "../lint/severities.js";
import { buildRunbook } from "../model/build-runbook.js";
import { addMessages } from "./messages.js";

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
 * (except `stale-changed`, which needs git history and is left to the CLI).
 */
const remarkRunbook: Plugin<[RemarkRunbookOptions?], Root> = function (options = {}) {
  return async (_tree: Root, file: VFile) => {
    const text = String(file.value ?? "");
    if (!options.all && !/^\uFEFF?---[ \t]*\r?\n/.test(text)) return;
    // Listed in a .remarkrc and added by `runbook lsp` too: report once.
    if (file.data.runbookLinted) return;
    file.data.runbookLinted = true;
    const name = file.path ? path.relative(file.cwd, file.path) || file.path : "runbook.md";
    let config;
    try {
      // An explicit config is relative to where the tool runs; otherwise it is found above the file.
      ({ config } = options.config ? await loadConfig(file.cwd, options.config) : await loadConfig(file.dirname ?? file.cwd));
    } catch (error) {
      if (!(error instanceof RunbookError)) throw error;
      file.message(error.message, { ruleId: "config", source: "runbook" }).fatal = true;
      return;
    }
    const diagnostics = lintRunbook(buildRunbook(name, text), {
      severities: effectiveSeverities(config.rules, process.env),
      commandExists: commandLookup(process.env.PATH),
      defaultReviewEvery: config.review_every,
    });
    addMessages(file, diagnostics);
  };
};

export default remarkRunbook;

declare module "vfile" {
  interface DataMap {
    runbookLinted: boolean;
  }
}
