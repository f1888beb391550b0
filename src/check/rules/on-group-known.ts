import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";
import { nearestOrChoices } from "../../model/suggest.js";

export default defineRule({
  id: "on-group-known",
  description: "Every `on=` names a group of the frontmatter's `targets:` (or a declared `$PARAM` that chooses one); the message names the nearest group, or lists them.",
  severity: "error",
  examples: {
    good: [runbookExample("## Steps\n### Repoint {#repoint}\n```sh on=poolers\ntrue\n```\n", "targets:\n  poolers: [pool-1, pool-2]\n")],
    bad: [
      runbookExample("## Steps\n### Repoint {#repoint}\n```sh on=pooler\ntrue\n```\n", "targets:\n  poolers: [pool-1, pool-2]\n"),
      runbookExample("## Steps\n### Repoint {#repoint}\n```sh on=$GROUP\ntrue\n```\n", "targets:\n  poolers: [pool-1]\n"),
    ],
  },
  check({ runbook, report }) {
    const groups = Object.keys(runbook.known.targets ?? {});
    const params = Object.keys(runbook.known.params ?? {});
    for (const step of runbook.steps) {
      const on = step.on;
      if (on === undefined) continue;
      const place = step.command?.attributeSpans.get("on") ?? step.span;
      if (on.startsWith("$")) {
        const name = on.slice(1);
        if (!params.includes(name)) report(`Unknown param \`${name}\` in on=$${name}${params.length ? nearestOrChoices(name, params) : ": declare it under `params:`, its value naming a group or a host"}`, place);
        continue;
      }
      if (!groups.includes(on)) {
        if (!report(groups.length ? `Unknown group \`${on}\` in on=${nearestOrChoices(on, groups)}` : `Unknown group \`${on}\` in on=: the frontmatter declares no \`targets:\`; add \`targets: {${on}: [host-1, host-2]}\``, place)) break;
      }
    }
  },
});
