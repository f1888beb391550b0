import { describe, expect, it } from "vitest";
import { lintRunbook } from "../../src/check/lint-runbook.js";
import { RULES } from "../../src/check/registry.js";
import { buildRunbook } from "../../src/model/build-runbook.js";

const commandExists = (name: string) => name === "bash";
const RULES_TESTED_WITH_GIT = ["stale-changed"];

// Every rule is tested by its own documented examples: good ones draw nothing from it,
// bad ones draw at least one finding from it, each with a real position.
describe.each(RULES.map((r) => [r.id, r] as const))("rule %s", (id, rule) => {
  it("has metadata", () => {
    expect(rule.description.length).toBeGreaterThan(10);
    expect(["error", "warning"]).toContain(rule.severity);
    expect(rule.examples.good.length).toBeGreaterThan(0);
    // A rule that needs git history is tested against real repositories instead (test/verify/).
    if (!RULES_TESTED_WITH_GIT.includes(id)) expect(rule.examples.bad.length).toBeGreaterThan(0);
  });

  it.each(rule.examples.good.map((g, i) => [i, g] as const))("good example %i draws nothing", (_i, text) => {
    const found = lintRunbook(buildRunbook("good.md", text), { commandExists }).filter((d) => d.ruleId === id);
    expect(found).toEqual([]);
  });

  it.each(rule.examples.bad.map((b, i) => [i, b] as const))("bad example %i is reported", (_i, text) => {
    const found = lintRunbook(buildRunbook("bad.md", text), { commandExists }).filter((d) => d.ruleId === id);
    expect(found.length).toBeGreaterThan(0);
    for (const d of found) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.column).toBeGreaterThanOrEqual(1);
      expect(d.severity).toBe(rule.severity);
      expect(d.message).not.toMatch(/undefined|\[object/);
    }
  });
});

describe("rule registry", () => {
  it("has unique ids", () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("ships runbooks that are clean under every rule", async () => {
    const { readFile } = await import("node:fs/promises");
    // As of a fixed day, so that the bundled runbooks' verification does not age the test.
    const today = new Date("2026-11-28T00:00:00Z");
    for (const f of ["runbooks/demo-failover.md", "runbooks/postgres-failover.md"]) {
      const text = await readFile(new URL(`../../${f}`, import.meta.url), "utf8");
      expect(lintRunbook(buildRunbook(f, text), { commandExists: () => true, today }), f).toEqual([]);
    }
    // The template is a new runbook: never verified, and nothing else.
    const template = await readFile(new URL("../../runbooks/template.md", import.meta.url), "utf8");
    expect(lintRunbook(buildRunbook("template.md", template), { commandExists: () => true, today }).map((d) => d.ruleId)).toEqual(["stale-never-verified"]);
  });
});
