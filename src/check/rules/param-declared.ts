import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";
import { AMBIENT_VARIABLES, blockVariables } from "../param-usage.js";
import { sourcePoint } from "../../model/source-point.js";
import { closest } from "../../model/suggest.js";

export default defineRule({
  id: "param-declared",
  description: "An upper-case `$NAME` used in a runnable block is a declared param, a variable declared under `env:`, a `capture=` variable, assigned in the block, or a standard variable such as `$HOME`.",
  severity: "error",
  examples: {
    good: [
      runbookExample("## Steps\n### A\n```sh\necho \"$REGION\" \"$HOME\"\nN=1; echo $N\n```\n", "params:\n  REGION: {default: eu}\n"),
      runbookExample("## Steps\n### A\n```sh capture=LEADER\nhostname\n```\n### B\n```sh\necho \"$LEADER\"\n```\n"),
      runbookExample("## Steps\n### A\n```sh\nkubectl --kubeconfig \"$KUBECONFIG\" get nodes\n```\n", "env: [KUBECONFIG]\n"),
    ],
    bad: [
      runbookExample("## Steps\n### A\n```sh\necho \"$REGOIN\"\n```\n", "params:\n  REGION: {default: eu}\n"),
      runbookExample("## Steps\n### A\n```sh\naws s3 ls --profile \"$AWS_PROFILE\"\n```\n"),
    ],
  },
  check({ runbook, report }) {
    const declared = new Set([...Object.keys(runbook.known.params ?? {}), ...(runbook.known.env ?? [])]);
    for (const s of runbook.steps) if (s.capture) declared.add(s.capture);
    const known = [...declared];
    for (const { block, references, assigned } of blockVariables(runbook)) {
      const reported = new Set<string>();
      for (const ref of references) {
        const n = ref.name;
        if (n !== n.toUpperCase() || declared.has(n) || assigned.has(n) || AMBIENT_VARIABLES.has(n) || reported.has(n)) continue;
        reported.add(n);
        const meant = closest(n, known);
        // The span is `$NAME` (or `${NAME`), so a quick fix swaps in the declared name.
        const prefix = block.source[ref.offset + 1] === "{" ? "${" : "$";
        const reference = { start: sourcePoint(block, ref.offset), end: sourcePoint(block, ref.offset + prefix.length + n.length) };
        const hint = meant === undefined ? "" : ` (did you mean \`${meant}\`?)`;
        if (!report(`\`$${n}\` is not a declared param${hint}: declare it under \`params:\` in the frontmatter, or under \`env:\` if the operator's environment provides it`, reference, undefined, meant === undefined ? undefined : [prefix + meant])) return;
      }
    }
  },
});
