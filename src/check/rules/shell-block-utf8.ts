import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";
import { runnableBlocks } from "../param-usage.js";
import { sourcePoint } from "../../model/source-point.js";

/** What a UTF-8 decoder puts where the file's bytes were not UTF-8. */
const REPLACEMENT = "\uFFFD";

export default defineRule({
  id: "shell-block-utf8",
  description: "A runnable shell block is valid UTF-8: invalid bytes are read as U+FFFD (�), so the command that would run is not the one written.",
  severity: "error",
  examples: {
    good: [runbookExample("## Steps\n### Greet\n```sh\necho 'Grüße'\n```\n")],
    bad: [runbookExample(`## Steps\n### Greet\n\`\`\`sh\necho 'Gr${REPLACEMENT}${REPLACEMENT}e'\n\`\`\`\n`)],
  },
  check({ runbook, report }) {
    for (const block of runnableBlocks(runbook)) {
      const at = block.source.indexOf(REPLACEMENT);
      // The decoder has already replaced the bytes; a pasted U+FFFD is as wrong in a command, so both are reported.
      if (at !== -1) report("Invalid UTF-8 (or a U+FFFD replacement character) in a shell block: the command would not run as written; re-save the file as UTF-8", sourcePoint(block, at));
    }
  },
});
