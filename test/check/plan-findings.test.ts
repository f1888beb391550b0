import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/check/diagnostic.js";
import { splitByPlan } from "../../src/check/plan-findings.js";
import { RULE_INFO } from "../../src/check/registry.js";

const at = (ruleId: string): Diagnostic => ({ file: "x.md", line: 1, column: 1, severity: "error", ruleId, message: "m" });

describe("which errors leave the graph and the plan right", () => {
  it("is data on the rules: only these are about metadata", () => {
    // A rule joins this list on purpose: its errors then stop neither `graph` nor `run --dry-run`.
    expect(RULE_INFO.filter((r) => r.affectsPlan === false).map((r) => r.id)).toEqual([
      "owner-placeholder", "title-present", "param-used", "requires-installed", "drill-config", "stale-never-verified", "stale-overdue", "stale-changed", "runbook-id-unique",
    ]);
  });

  it("splits errors by their rule, and an unknown rule blocks", () => {
    const { blocking, metadata } = splitByPlan([at("owner-placeholder"), at("needs-known"), at("no-such-rule"), at("stale-overdue")]);
    expect(blocking.map((d) => d.ruleId)).toEqual(["needs-known", "no-such-rule"]);
    expect(metadata.map((d) => d.ruleId)).toEqual(["owner-placeholder", "stale-overdue"]);
  });
});
