import runbookCompiler from "../authoring/remark-compiler.js";
import { markdownParser, refuseSlowShapes } from "../model/parse-markdown.js";
import { parseBySection } from "../model/section-parse.js";

/**
 * The language server's processor when the project has no `remark` of its own: the runbook parser,
 * re-parsing only the sections a keystroke changed (after the check of the whole text for slow
 * shapes), and `runbook fmt` as "Format Document".
 */
export function lspProcessor() {
  return markdownParser().use(parseBySection).use(refuseSlowShapes).use(runbookCompiler);
}
