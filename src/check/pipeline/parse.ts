import type { Root } from "mdast";
import { buildRunbook } from "../../model/build-runbook.js";
import type { Runbook } from "../../model/types.js";

/**
 * Stage 3, parse: text → the runbook model. `tree` is the text's mdast when the caller already has
 * it from the runbook parser (the language server parses as the author types, section by section).
 */
export function parseSource(file: string, text: string, tree?: Root): Runbook {
  return buildRunbook(file, text, tree);
}
