import { defineRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";
import { blockPlaceholders, declaredFor, variableNameFor } from "../param-usage.js";
import { sourcePoint } from "../../model/source-point.js";
import type { Placeholder } from "../../model/placeholders.js";

/** Why the shell would not fill the placeholder in, in its own terms. */
const WHY: Record<Placeholder["syntax"], string> = {
  mustache: "nothing fills in `{{…}}`",
  github: "`${{ … }}` is GitHub Actions syntax; to the shell it is a bad substitution",
  angle: "the shell reads `<…>` as a redirection from a file of that name",
};

/** `$NAME` written so that it works where the placeholder was: the quick fix, and what the message says to write. */
function written(name: string, p: Placeholder, after: string): string | undefined {
  switch (p.quoting) {
    case "none":
      return `"$${name}"`;
    case "single":
      // Nothing expands in single quotes: close them around the variable.
      return `'"$${name}"'`;
    case "double":
    case "heredoc":
      return /^[A-Za-z0-9_]/.test(after) ? `\${${name}}` : `$${name}`;
    case "quoted-heredoc":
      return undefined;
  }
}

export default defineRule({
  id: "no-template-placeholder",
  description:
    "Runnable blocks hold no template placeholders (`{{MAX_LAG}}`, `${{ inputs.host }}`, `<pod-name>`): nothing fills them in, and params reach commands only as environment variables, so write `\"$MAX_LAG\"`. Redirections (`< file`, `2>&1`), heredocs (`<<EOF`), process substitution (`<(…)`), Go templates (`{{.Name}}`) and comments are not placeholders.",
  severity: "error",
  examples: {
    good: [
      runbookExample(
        "## Steps\n### Check the lag\n```sh\ntest \"$MAX_LAG\" -lt 10 2>&1\nsort < lags.txt > sorted.txt\ncat <<EOF\nlag limit: $MAX_LAG\nEOF\ndiff <(sort a) <(sort b)\ndocker ps --format '{{.Names}}' # or <name>\n```\n",
        "params:\n  MAX_LAG: {default: \"10\"}\n",
      ),
      runbookExample("## Steps\n### Look\n```console\n$ kubectl get pod <pod-name>\n```\n"),
    ],
    bad: [
      runbookExample("## Steps\n### Check the lag\n```sh\ntest {{MAX_LAG}} -lt 10\n```\n", "params:\n  MAX_LAG: {default: \"10\"}\n"),
      runbookExample("## Steps\n### Restart\n```sh\nkubectl delete pod <pod-name>\n```\n"),
      runbookExample("## Steps\n### Deploy\n```sh\n./deploy --host ${{ inputs.host }}\n```\n", "params:\n  HOST: {}\n"),
      runbookExample("## Steps\n### Apply\n```sh\nkubectl apply -f - <<EOF\nmetadata:\n  name: <name>\nEOF\n```\n"),
    ],
  },
  check({ runbook, report }) {
    const declared = [...Object.keys(runbook.known.params ?? {}), ...(runbook.known.env ?? [])];
    for (const s of runbook.steps) if (s.capture) declared.push(s.capture);
    for (const { block, placeholders } of blockPlaceholders(runbook)) {
      for (const p of placeholders) {
        const end = p.offset + p.text.length;
        const place = { start: sourcePoint(block, p.offset), end: sourcePoint(block, end) };
        const meant = declaredFor(p, declared);
        const name = meant ?? variableNameFor(p);
        const use = name === undefined ? undefined : written(name, p, block.source.slice(end, end + 1));
        let fix: string;
        if (p.quoting === "quoted-heredoc") fix = `nothing expands in a heredoc whose delimiter is quoted (\`<<'EOF'\`): unquote it (\`<<EOF\`) and write \`$${name ?? "NAME"}\`${meant === undefined ? `, declaring \`${name ?? "NAME"}\` under \`params:\`` : ""}`;
        else if (meant !== undefined) fix = `write \`${use ?? ""}\`; params reach commands only as environment variables`;
        else if (name !== undefined) fix = `declare a param \`${name}\` under \`params:\` and write \`${use ?? ""}\``;
        else fix = `declare a param for it under \`params:\` and write \`"$NAME"\` in its place`;
        const expected = meant !== undefined && use !== undefined ? [use] : undefined;
        if (!report(`Placeholder \`${p.text}\` would run as written (${WHY[p.syntax]}): ${fix}`, place, undefined, expected)) return;
      }
    }
  },
});
