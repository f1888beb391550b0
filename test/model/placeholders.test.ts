import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runbookExample } from "../../src/check/examples.js";
import { lintRunbook } from "../../src/check/lint-runbook.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { scanPlaceholders } from "../../src/model/placeholders.js";

const found = (source: string) => scanPlaceholders(source).map((p) => [p.text, p.name, p.quoting]);

describe("scanPlaceholders", () => {
  it("finds Mustache, GitHub Actions and angle-bracket placeholders, and where they sit", () => {
    expect(found("test {{MAX_LAG}} -lt 10")).toEqual([["{{MAX_LAG}}", "MAX_LAG", "none"]]);
    expect(found('echo "{{ host }}" {{- port -}}')).toEqual([["{{ host }}", "host", "double"], ["{{- port -}}", "port", "none"]]);
    expect(found("deploy ${{ inputs.max_lag }} ${{ secrets.TOKEN }}")).toEqual([["${{ inputs.max_lag }}", "max_lag", "none"], ["${{ secrets.TOKEN }}", "TOKEN", "none"]]);
    expect(found("kubectl -n <namespace> delete pod '<pod-name>'")).toEqual([["<namespace>", "namespace", "none"], ["<pod-name>", "pod-name", "single"]]);
    expect(found("curl https://<host>:8443/x --user=<user> backup_<TIMESTAMP>.sql")).toEqual([["<host>", "host", "none"], ["<user>", "user", "none"], ["<TIMESTAMP>", "TIMESTAMP", "none"]]);
    expect(found("export NS='<value of the namespace label>'")).toEqual([["<value of the namespace label>", "value of the namespace label", "single"]]);
  });

  it("leaves the shell's own `<` alone: redirections, heredocs, here-strings, process substitution, fd duplication", () => {
    for (const source of [
      "sort < in.txt > out.txt 2>&1",
      "sort <in.txt >out.txt",
      "cat <in >out",
      "exec 3<&0 <&3 0<file",
      "grep x <<< \"$LINE\"",
      "diff <(sort a) <(sort b)",
      "while read -r l; do echo \"$l\"; done < <(ls)",
      "[[ $a < $b ]] && (( 1<2 ))",
      "cat <<EOF\nplain text\nEOF",
      "cat <<-'END'\n\tliteral\n\tEND",
      "java -cp x Main List<String>",
      "echo '<b>bold</b>'",
    ]) expect(found(source), source).toEqual([]);
  });

  it("leaves Go templates, brace expansion and comments alone", () => {
    for (const source of [
      "docker ps --format '{{.Names}}'",
      "kubectl get pods -o go-template='{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}'",
      "docker inspect -f '{{ json .State }}'",
      "echo {{a,b},c}",
      "echo {{{raw}}}",
      "# replace <pod-name> and {{HOST}} first\nkubectl get pods",
      "kubectl get pods # then <pod>",
    ]) expect(found(source), source).toEqual([]);
  });

  it("stays linear on shapes that would make a naive scan quadratic", () => {
    // Each `<` or `{{` looks ahead a bounded window: 200k characters are one pass, not 200k² steps.
    expect(scanPlaceholders("<a ".repeat(70_000))).toEqual([]);
    expect(scanPlaceholders("{{a".repeat(70_000))).toEqual([]);
    expect(scanPlaceholders(`cat <<EOF\n${"x\n".repeat(100_000)}`)).toEqual([]);
    expect(scanPlaceholders("<x>".repeat(70_000))).toHaveLength(1);
  });

  it("finds a placeholder inside a heredoc's body, and knows when the delimiter is quoted", () => {
    expect(found("kubectl apply -f - <<EOF\nmetadata:\n  name: <name>\nEOF\necho <after>")).toEqual([["<name>", "name", "heredoc"], ["<after>", "after", "none"]]);
    expect(found("cat <<'EOF' > f\nhost: {{HOST}}\nEOF")).toEqual([["{{HOST}}", "HOST", "quoted-heredoc"]]);
  });
});

describe("no-template-placeholder messages", () => {
  const rows = (block: string, frontmatter = "") =>
    lintRunbook(buildRunbook("x.md", runbookExample(`## Steps\n### A\n\`\`\`sh\n${block}\n\`\`\`\n`, frontmatter)), { commandExists: () => true })
      .filter((d) => d.ruleId === "no-template-placeholder")
      .map((d) => [`${d.line}:${d.column}-${d.endLine}:${d.endColumn}`, d.message, d.expected]);

  it("names the declared param to write in its place, quoted for where it sits", () => {
    expect(rows("test {{MAX_LAG}} -lt 10", "params:\n  MAX_LAG: {default: \"10\"}\n")).toEqual([
      ["12:6-12:17", 'Placeholder `{{MAX_LAG}}` would run as written (nothing fills in `{{…}}`): write `"$MAX_LAG"`; params reach commands only as environment variables', ['"$MAX_LAG"']],
    ]);
    expect(rows('echo "lag {{ max_lag }}s"', "params:\n  MAX_LAG: {}\n")[0]?.[2]).toEqual(["${MAX_LAG}"]);
    expect(rows("psql -c 'select {{MAX_LAG}}'", "params:\n  MAX_LAG: {}\n")[0]?.[2]).toEqual([`'"$MAX_LAG"'`]);
    expect(rows("./deploy ${{ inputs.host }}", "params:\n  HOST: {}\n")).toEqual([
      ["12:10-12:28", 'Placeholder `${{ inputs.host }}` would run as written (`${{ … }}` is GitHub Actions syntax; to the shell it is a bad substitution): write `"$HOST"`; params reach commands only as environment variables', ['"$HOST"']],
    ]);
  });

  it("says which param to declare when none is, and how to fix a quoted heredoc", () => {
    expect(rows("kubectl delete pod <pod-name>")).toEqual([
      ["10:20-10:30", 'Placeholder `<pod-name>` would run as written (the shell reads `<…>` as a redirection from a file of that name): declare a param `POD_NAME` under `params:` and write `"$POD_NAME"`', undefined],
    ]);
    expect(rows("export NS='<value of the namespace label from the alert>'")[0]?.[1]).toBe(
      "Placeholder `<value of the namespace label from the alert>` would run as written (the shell reads `<…>` as a redirection from a file of that name): declare a param for it under `params:` and write `\"$NAME\"` in its place",
    );
    expect(rows("cat <<'EOF' > conf\nhost: {{HOST}}\nEOF", "params:\n  HOST: {}\n")[0]?.[1]).toBe(
      "Placeholder `{{HOST}}` would run as written (nothing fills in `{{…}}`): nothing expands in a heredoc whose delimiter is quoted (`<<'EOF'`): unquote it (`<<EOF`) and write `$HOST`",
    );
  });

  it("turns param-used's warning into this error's fix: the param is not also called unused", () => {
    const text = runbookExample("## Steps\n### A\n```sh\ntest {{MAX_LAG}} -lt 10\n```\n", "params:\n  MAX_LAG: {default: \"10\"}\n");
    const ids = lintRunbook(buildRunbook("x.md", text), { commandExists: () => true }).map((d) => d.ruleId);
    expect(ids).toContain("no-template-placeholder");
    expect(ids).not.toContain("param-used");
  });
});

describe("placeholders in real runbooks (test/fixtures/corpus-sample)", () => {
  const SAMPLE = fileURLToPath(new URL("../fixtures/corpus-sample", import.meta.url));
  const walk = (d: string): string[] => readdirSync(d).flatMap((e) => (statSync(path.join(d, e)).isDirectory() ? walk(path.join(d, e)) : /\.md(\.erb)?$/.test(e) ? [path.join(d, e)] : []));

  // Every shell block, run or not (these pages are documentation, not runbooks yet): the scanner
  // finds the placeholders a person left to fill in, and nothing the shell itself gives meaning to.
  it("finds the placeholders people left in commands, and no redirection, heredoc or template", () => {
    const texts: string[] = [];
    let blocks = 0;
    for (const f of walk(SAMPLE)) {
      for (const b of buildRunbook(f, readFileSync(f, "utf8")).shellBlocks) {
        blocks++;
        texts.push(...scanPlaceholders(b.source).map((p) => p.text));
      }
    }
    expect(blocks).toBeGreaterThan(60);
    expect(texts.sort()).toEqual([
      "<GCP_PROJECT_ID>", "<GCP_SERVICE_ACCOUNT_NAME>", "<POSTGRES_OPERATOR_NS>", "<dataimportcron>", "<dataimportcron>", "<datavolume>",
      "<environment>", "<environment>", "<insert-env-here>", "<modsec-pod-name>", "<namespace>", "<namespace>", "<namespace>",
      "<nodeName>", "<your-admin-context-name>", "{{WALE_ENV_DIR}}",
    ]);
  });
});
