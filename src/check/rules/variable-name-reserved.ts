import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";
import { RESERVED_ENV_NAMES } from "../../model/schema/frontmatter-schema.js";

const reserved = (name: string) => RESERVED_ENV_NAMES.includes(name) || name.startsWith("RUNBOOK_") || name.startsWith("BASH_FUNC_");

export default defineRule({
  id: "variable-name-reserved",
  description: "Params and `capture=` variables do not use names that change how the shell or loader behaves (PATH, BASH_ENV, ENV, IFS, LD_PRELOAD, NODE_OPTIONS, RUNBOOK_*…), nor clash with each other.",
  severity: "error",
  examples: {
    good: [runbookExample("## Steps\n### A\n```sh capture=LEADER\necho \"$TARGET\"\n```\n", "params:\n  TARGET: {default: a}\n")],
    bad: [
      runbookExample("## Steps\n### A\n```sh\necho \"$PATH\"\n```\n", "params:\n  PATH: {default: /tmp}\n"),
      runbookExample("## Steps\n### A\n```sh capture=LD_PRELOAD\necho x\n```\n"),
      runbookExample("## Steps\n### A\n```sh capture=TARGET\necho \"$TARGET\"\n```\n", "params:\n  TARGET: {default: a}\n"),
      runbookExample("## Steps\n### A\n```sh capture=KUBECONFIG\necho /tmp/k\n```\n", "env: [KUBECONFIG]\n"),
    ],
  },
  check({ runbook, report }) {
    const params = new Set(Object.keys(runbook.known.params ?? {}));
    const inherited = new Set(runbook.known.env ?? []);
    for (const p of params) {
      if (reserved(p)) report(`Param name \`${p}\` is reserved: it changes how the shell or the loader behaves; choose another name`, runbook.frontmatter?.locate(["params", p], "key") ?? { line: 1, column: 1, offset: 0 });
    }
    const captured = new Map<string, string>();
    for (const s of runbook.steps) {
      const name = s.capture;
      if (!name) continue;
      const place = s.command?.attributeSpans.get("capture") ?? s.span;
      if (reserved(name)) report(`\`capture=${name}\` uses a reserved name: it changes how the shell or the loader behaves`, place);
      else if (params.has(name)) report(`\`capture=${name}\` would overwrite the param of the same name`, place);
      else if (inherited.has(name)) report(`\`capture=${name}\` would hide the inherited variable \`${name}\` declared under \`env\``, place);
      else if (captured.has(name)) report(`\`capture=${name}\` is already captured by step \`${captured.get(name)}\``, place);
      captured.set(name, s.id);
    }
  },
});
