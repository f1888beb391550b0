import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";
import { didYouMean } from "../../model/suggest.js";

/** `${NAME}` in a drill param: the value comes from the drill's environment. */
export const DRILL_ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

const DRILL = "## Steps\n### Promote {#promote}\n```sh irreversible=\"a promoted standby cannot be demoted\"\npromote \"$TARGET\"\n```\n### Repoint the clients {#repoint drill_skip}\nUpdate DNS.\n";

export default defineRule({
  id: "drill-config",
  description:
    "A `drill:` can run unattended: `confirm_irreversible` names irreversible steps of this runbook, `params` names declared params and gives every required one, each `${NAME}` it reads is listed under `drill.env`, and every manual step has `drill_skip` in its heading or `drill.manual: assume`. A warning, so that a drill's mistake never stops `runbook run` in an incident; `runbook drill` refuses the runbook.",
  severity: "warning",
  affectsPlan: false,
  examples: {
    good: [runbookExample(DRILL, "params:\n  TARGET: {}\ndrill:\n  every: 2w\n  params: {TARGET: \"${STAGING_HOST}\"}\n  env: [STAGING_HOST]\n  confirm_irreversible: [promote]\n")],
    bad: [
      runbookExample(DRILL, "params:\n  TARGET: {}\ndrill:\n  every: 2w\n  params: {TARGET: staging}\n  confirm_irreversible: [promot]\n"),
      runbookExample(DRILL.replace(" drill_skip", ""), "params:\n  TARGET: {}\ndrill:\n  every: 2w\n  params: {TARGET: staging}\n"),
      runbookExample(DRILL, "drill:\n  every: 2w\n  params: {TARGET: \"${HOST}\"}\n"),
    ],
  },
  check({ runbook, report }) {
    const drill = runbook.known.drill;
    const at = (path: readonly (string | number)[], what: "key" | "value" = "value") => runbook.frontmatter?.locate(path, what) ?? { line: 1, column: 1, offset: 0 };
    if (!drill) {
      // `drill_skip` without a drill: harmless, but the reader may think the runbook is drilled.
      return;
    }
    const ids = runbook.steps.map((s) => s.id);
    const irreversible = runbook.steps.filter((s) => s.irreversible !== undefined).map((s) => s.id);
    (drill.confirm_irreversible ?? []).forEach((id, i) => {
      const step = runbook.steps.find((s) => s.id === id);
      if (step?.irreversible !== undefined) return;
      const what = step ? `step \`${id}\` is not irreversible` : `no step \`${id}\`${didYouMean(id, ids)}`;
      report(`drill.confirm_irreversible: ${what}; ${irreversible.length ? `irreversible steps: ${irreversible.map((s) => `\`${s}\``).join(", ")}` : "this runbook has no irreversible step"}`, at(["drill", "confirm_irreversible", i]));
    });
    const declared = runbook.known.params ?? {};
    const names = Object.keys(declared);
    const given = drill.params ?? {};
    const listed = new Set(drill.env ?? []);
    for (const [name, value] of Object.entries(given)) {
      if (!Object.hasOwn(declared, name)) report(`drill.params: \`${name}\` is not a declared param${didYouMean(name, names)}`, at(["drill", "params", name], "key"));
      for (const m of value.matchAll(DRILL_ENV_REFERENCE)) {
        const v = m[1] ?? "";
        if (!listed.has(v)) report(`drill.params.${name} reads \`\${${v}}\`: list \`${v}\` under \`drill.env\` so a drill without it fails before anything runs`, at(["drill", "params", name]));
      }
    }
    for (const [name, p] of Object.entries(declared)) {
      if (p.default === undefined && !Object.hasOwn(given, name)) report(`Param \`${name}\` has no default: give it under \`drill.params\`, or a drill cannot run unattended`, at(["drill"], "key"));
    }
    if (drill.manual !== "assume") {
      for (const s of runbook.steps) {
        if (s.manual && !s.drillSkip) report(`Manual step \`${s.id}\` in a drilled runbook: add \`drill_skip\` to its heading (\`{#${s.id} drill_skip}\`) or set \`drill.manual: assume\`, which says the drill assumed it done`, s.span);
      }
    }
  },
});
