import { describe, expect, it } from "vitest";
import { checkParamValue, resolveParams } from "../../src/run/param-values.js";
import { runbookExample } from "../../src/check/examples.js";
import { lintRunbook } from "../../src/check/lint-runbook.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { matchesPattern } from "../../src/model/pattern.js";

const frontmatterFindings = (params: string) =>
  lintRunbook(buildRunbook("p.md", runbookExample("## Steps\n### A\n```sh\necho \"$HOST\"\n```\n", `params:\n  HOST: ${params}\n`)), { commandExists: () => true })
    .filter((d) => d.ruleId === "frontmatter-schema")
    .map((d) => [d.line, d.column, d.message]);

describe("param patterns match the whole value, as docs/format.md says", () => {
  it("refuses a value that only contains a match: a hostname check lets no `;` through", () => {
    expect(matchesPattern("[a-z0-9.-]+", "x;y")).toBe(false);
    expect(matchesPattern("[a-z0-9.-]+", "db-1.internal")).toBe(true);
    expect(matchesPattern("[0-9]+", "12a")).toBe(false);
    // An alternation is whole too: not "starts with a, or ends with b".
    expect(matchesPattern("a|b", "ab")).toBe(false);
  });

  it("keeps anchored patterns working as they did", () => {
    expect(matchesPattern("^[0-9]+$", "1048576")).toBe(true);
    expect(matchesPattern("^[0-9]+$", "10x")).toBe(false);
    // RE2's `$` is the end of the text, not the end of a line: a trailing newline is not a digit.
    expect(matchesPattern("^[0-9]+$", "123\n")).toBe(false);
  });

  it("applies to a value given at run time, in a dry run and in the review (one check for all)", () => {
    expect(checkParamValue("HOST", { pattern: "[a-z0-9.-]+" }, "x;y")).toBe("`HOST`: `x;y` does not match `[a-z0-9.-]+` (the whole value must match)");
    expect(checkParamValue("TOKEN", { pattern: "[a-z]+", secret: true }, "abcdefgh;")).toBe("`TOKEN`: the value does not match `[a-z]+` (the whole value must match)");
    const r = resolveParams({ HOST: { pattern: "[a-z0-9.-]+" } }, { HOST: "db-1;reboot" });
    expect(r.problems.map((p) => p.name)).toEqual(["HOST"]);
    expect(r.values).toEqual({});
  });

  it("lints the runbook's own default, enum values and example against the pattern", () => {
    expect(frontmatterFindings(`{default: "x;y", pattern: "[a-z]+"}`)).toEqual([[5, 19, "Default `x;y` does not match pattern `[a-z]+` (the whole value must match)"]]);
    expect(frontmatterFindings(`{enum: [db-1, "db;2"], pattern: "[a-z0-9-]+"}`)).toEqual([[5, 23, "Choice `db;2` does not match pattern `[a-z0-9-]+` (the whole value must match): no one could choose it"]]);
    expect(frontmatterFindings(`{example: "a b", pattern: "[a-z]+"}`)).toEqual([[5, 19, "Example `a b` does not match pattern `[a-z]+` (the whole value must match)"]]);
    expect(frontmatterFindings(`{default: db-1, enum: [db-1, db-2], example: db-2, pattern: "[a-z0-9-]+"}`)).toEqual([]);
  });
});
