import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { jsonSchemaFor } from "../../src/model/schema/json-schema.js";

describe("published JSON Schemas", () => {
  it.each(["runbook", "config"] as const)("schemas/%s.schema.json matches the zod schema (run `npm run schema:write` after changing it)", (which) => {
    const committed = JSON.parse(readFileSync(new URL(`../../schemas/${which}.schema.json`, import.meta.url), "utf8"));
    expect(committed).toEqual(jsonSchemaFor(which));
  });

  it("does not mark fields with defaults as required", () => {
    const s = jsonSchemaFor("runbook") as { required: string[] };
    expect(s.required.sort()).toEqual(["id", "owner"]);
  });
});

describe("docs/rules.md", () => {
  it("matches the rules (run `npm run docs:write` after changing a rule)", async () => {
    const { rulesMarkdown } = await import("../../src/check/rules-doc.js");
    expect(readFileSync(new URL("../../docs/rules.md", import.meta.url), "utf8")).toBe(rulesMarkdown());
  });
});
