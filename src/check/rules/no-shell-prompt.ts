import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";

const PROMPT = /^[ \t]*\$[ \t]+\S/;

export default defineRule({
  id: "no-shell-prompt",
  description: "Shell blocks hold commands, not transcripts: no `$ ` prompts pasted in (they would run `$` as a command).",
  severity: "error",
  examples: {
    good: [runbookExample("## Steps\n### A\n```sh\nkubectl get pods\n```\n"), runbookExample("## Steps\n### A\n```console\n$ kubectl get pods\n```\n")],
    bad: [runbookExample("## Steps\n### A\n```sh\n$ kubectl get pods\n```\n")],
  },
  check({ runbook, report }) {
    for (const b of runbook.shellBlocks) {
      const lines = b.source.split(/\r?\n|\r/);
      const i = lines.findIndex((l) => PROMPT.test(l));
      if (i === -1) continue;
      const text = lines[i] ?? "";
      const line = b.span.start.line + 1 + i;
      const column = b.span.start.column + text.indexOf("$");
      report("Unexpected `$ ` prompt in a shell block: remove the prompt (and any pasted output), or mark the block `console`", { line, column, offset: b.span.start.offset });
    }
  },
});
