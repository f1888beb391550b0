import { describe, expect, it } from "vitest";
import { runbookExample } from "../../src/check/examples.js";
import { lintRunbook } from "../../src/check/lint-runbook.js";
import { buildRunbook } from "../../src/model/build-runbook.js";

const lint = (text: string, opts = {}) => lintRunbook(buildRunbook("x.md", text), { commandExists: () => true, ...opts });
const only = (text: string, rule: string) => lint(text).filter((d) => d.ruleId === rule);

describe("specific findings", () => {
  it("names the whole cycle", () => {
    const text = runbookExample("## Steps\n### A {#a}\n```sh needs=c\ntrue\n```\n### B {#b}\n```sh needs=a\ntrue\n```\n### C {#c}\n```sh needs=b\ntrue\n```\n");
    const [d] = only(text, "needs-acyclic");
    expect(d?.message).toBe("Steps form a cycle: a → c → b → a");
    expect(d?.related?.length).toBe(2);
  });

  it("points at the unknown attribute with a suggestion", () => {
    const text = runbookExample("## Steps\n### A\n```sh confirm timout=30s\ntrue\n```\n```sh rollback\ntrue\n```\n");
    const [d] = only(text, "fence-attributes");
    expect(d).toMatchObject({ line: 9, column: 15, message: "Unknown attribute `timout` (did you mean `timeout`?)" });
  });

  it("places frontmatter errors on the YAML node", () => {
    const text = "---\nid: x\nowner: y\nparams:\n  LAG: {default: abc, pattern: '^[0-9]+$'}\n---\n# T\n## Steps\n### A\n```sh\necho $LAG\n```\n";
    const [d] = only(text, "frontmatter-schema");
    expect(d).toMatchObject({ line: 5, column: 18 });
    expect(d?.message).toContain("does not match pattern");
  });

  it("suggests the frontmatter key that was meant, instead of also calling it missing", () => {
    const found = only("---\nid: x\nownr: y\n---\n# T\n## Steps\n### A\nx\n", "frontmatter-schema");
    expect(found.map((d) => [d.line, d.column, d.message])).toEqual([[3, 1, "Unknown key `ownr` (did you mean `owner`?)"]]);
    expect(only("---\nid: x\n---\n# T\n## Steps\n### A\nx\n", "frontmatter-schema").map((d) => d.message)).toEqual(["Missing required key `owner`"]);
  });

  it("reports the $ prompt at its line and column", () => {
    const text = runbookExample("## Steps\n### A\n```sh\necho ok\n  $ kubectl get pods\n```\n");
    expect(only(text, "no-shell-prompt")[0]).toMatchObject({ line: 11, column: 3 });
  });

  it("does not count single-quoted or escaped $NAME as a param use", () => {
    const text = runbookExample("## Steps\n### A\n```sh\necho '$NOT_A_PARAM' \\$ALSO_NOT # $NOR_THIS\n```\n");
    expect(only(text, "param-declared")).toEqual([]);
  });

  it("reports an undeclared param where it is used", () => {
    const text = runbookExample("## Steps\n### A\n```sh\necho ok\necho \"${REGION:-x}\"\n```\n");
    expect(only(text, "param-declared")[0]).toMatchObject({ line: 11, column: 7 });
  });

  it("finds a fence that swallows the rest of the file", () => {
    const text = runbookExample("## Steps\n### A\n```shell\nrun\n```sql\n### B\n");
    const [d] = only(text, "fence-terminated");
    expect(d).toMatchObject({ line: 9, column: 1 });
    expect(d?.message).toContain("end of file");
  });

  it("rejects reserved names for params", () => {
    for (const name of ["PATH", "BASH_ENV", "ENV", "IFS", "LD_PRELOAD", "LD_LIBRARY_PATH", "NODE_OPTIONS"]) {
      const text = runbookExample(`## Steps\n### A\n\`\`\`sh\necho "$${name}"\n\`\`\`\n`, `params:\n  ${name}: {default: x}\n`);
      expect(only(text, "variable-name-reserved"), name).toHaveLength(1);
    }
  });

  it("lets the config turn a rule off or change its severity", () => {
    const text = runbookExample("## Steps\n### A\n```sh\necho hi\n```\n", "params:\n  REGION: {default: eu}\n");
    expect(lint(text, { severities: { "param-used": "off" } }).filter((d) => d.ruleId === "param-used")).toEqual([]);
    expect(lint(text, { severities: { "param-used": "error" } }).find((d) => d.ruleId === "param-used")?.severity).toBe("error");
  });

  it("gives an empty file one finding, not one per rule", () => {
    expect(lint("").map((d) => d.ruleId)).toEqual(["file-content"]);
    expect(lint("\u0000\u0001\u0002").map((d) => d.message)).toEqual(["Binary file: expected Markdown text"]);
  });
});

describe("inherited environment (`env:`)", () => {
  it("places a listed name that can never be inherited, a duplicate and a param clash on their list items", () => {
    const text = "---\nid: x\nowner: y\nenv: [KUBECONFIG, BASH_ENV, KUBECONFIG, REGION]\nparams:\n  REGION: {default: eu}\n---\n# T\n## Steps\n### A\n```sh\necho \"$KUBECONFIG\" \"$REGION\"\n```\n";
    const found = only(text, "frontmatter-schema").map((d) => [d.line, d.column, d.message]);
    expect(found).toEqual([
      [4, 19, "This variable never reaches commands: the runner removes it from their environment"],
      [4, 29, "`KUBECONFIG` is listed twice under `env`"],
      [4, 41, "`REGION` is both a param and an inherited variable: a param is given at run time, `env` comes from the operator's environment; keep one"],
    ]);
  });

  it("suggests `env:` for an undeclared variable, and does not ask that a declared one be mentioned", () => {
    const [d] = only(runbookExample("## Steps\n### A\n```sh\nkubectl get nodes --context \"$KUBE_CONTEXT\"\n```\n"), "param-declared");
    expect(d?.message).toContain("or under `env:` if the operator's environment provides it");
    // kubectl reads KUBECONFIG itself: a declared variable no block names is not a finding.
    expect(lint(runbookExample("## Steps\n### A\n```sh\nkubectl get nodes\n```\n", "env: [KUBECONFIG]\n")).filter((d) => !d.ruleId.startsWith("stale-"))).toEqual([]);
  });
});
