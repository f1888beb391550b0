import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatGithub } from "../../src/check/formatters/github.js";
import { formatJson } from "../../src/check/formatters/json.js";
import { formatSarif } from "../../src/check/formatters/sarif.js";
import { formatStylish } from "../../src/check/formatters/stylish.js";
import type { Report } from "../../src/check/findings-report.js";
import { RULE_INFO } from "../../src/check/registry.js";

// Both validators are CommonJS packages whose class is on `.default`.
const require = createRequire(import.meta.url);
type Validator = ((data: unknown) => boolean) & { errors?: unknown[] | null };
const Ajv = (require("ajv-draft-04") as { default: new (o: object) => { compile(s: object): Validator } }).default;
const addFormats = (require("ajv-formats") as { default: (ajv: object) => void }).default;

const report: Report = {
  cwd: "/repo",
  toolVersion: "1.2.3",
  color: false,
  rules: RULE_INFO,
  files: [
    {
      file: "runbooks/db fail,over.md",
      diagnostics: [
        { file: "runbooks/db fail,over.md", line: 3, column: 1, endLine: 3, endColumn: 9, severity: "error", ruleId: "frontmatter-schema", message: "Unknown key `ownr`: 100%\nreally" },
        { file: "runbooks/db fail,over.md", line: 9, column: 2, severity: "warning", ruleId: "param-used", message: "Param `X` is unused", related: [{ message: "first", line: 1, column: 1 }] },
      ],
    },
    { file: "runbooks/clean.md", diagnostics: [] },
  ],
};

describe("formatters", () => {
  it("stylish shows file, line:col, severity, message and rule, then a summary", () => {
    const out = formatStylish(report);
    expect(out).toContain("runbooks/db fail,over.md\n  3:1  error    Unknown key `ownr`");
    expect(out).toContain("frontmatter-schema");
    expect(out).toContain("✖ 2 problems (1 error, 1 warning) in 2 runbooks");
    expect(out).not.toMatch(/\u001b\[/);
  });

  it("json is parseable and counts per file", () => {
    const j = JSON.parse(formatJson(report));
    expect(j.summary).toEqual({ files: 2, errors: 1, warnings: 1 });
    expect(j.files[0].diagnostics[0]).toMatchObject({ line: 3, column: 1, ruleId: "frontmatter-schema" });
  });

  it("github escapes properties and data", () => {
    const lines = formatGithub(report).trim().split("\n");
    expect(lines[0]).toBe("::error file=runbooks/db fail%2Cover.md,line=3,col=1,endLine=3,endColumn=9,title=runbook frontmatter-schema::Unknown key `ownr`: 100%25%0Areally");
    expect(lines[1]).toMatch(/^::warning file=.*line=9,col=2,title=runbook param-used::/);
  });

  it("sarif validates against the OASIS SARIF 2.1.0 schema", () => {
    const schema = JSON.parse(readFileSync(new URL("../fixtures/sarif/sarif-schema-2.1.0.json", import.meta.url), "utf8"));
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const sarif = JSON.parse(formatSarif(report));
    expect(validate(sarif), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const result = sarif.runs[0].results[0];
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe("runbooks/db%20fail%2Cover.md");
    expect(sarif.runs[0].tool.driver.rules[result.ruleIndex].id).toBe("frontmatter-schema");
  });
});

describe("runbook lint --format sarif on real runbooks", () => {
  it("validates against the OASIS schema, with a result for every finding", async () => {
    const { runMain } = await import("../helpers/cli.js");
    const r = await runMain(["lint", "test/fixtures/corpus-sample", "--format", "sarif"]);
    expect(r.exitCode).toBe(1);
    const sarif = JSON.parse(r.stdout);
    const schema = JSON.parse(readFileSync(new URL("../fixtures/sarif/sarif-schema-2.1.0.json", import.meta.url), "utf8"));
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3), null, 2)).toBe(true);
    const json = JSON.parse((await runMain(["lint", "test/fixtures/corpus-sample", "--format", "json"])).stdout);
    expect(sarif.runs[0].results.length).toBe(json.summary.errors + json.summary.warnings);
  });
});
