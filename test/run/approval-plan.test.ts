import { describe, expect, it } from "vitest";
import { approvalNeed, assemblePlan, parsePlan, planBytes, planDifferences, planIdOf, planSummary } from "../../src/run/approval-plan.js";
import type { Plan } from "../../src/run/plan.js";

const step = (id: string, over: Partial<Omit<Plan["steps"][number], "on">> = {}): Plan["steps"][number] => ({
  id, title: id, instructions: "", line: 1, manual: false, confirm: false, irreversible: undefined, capture: undefined, command: undefined, verify: undefined, rollback: undefined, reads: [], drillSkip: false, on: undefined, fanout: { batch: [{ percent: 100 }], maxFail: { count: 0 }, parallel: 10 }, needs: [], ...over,
});
const plan: Plan = { runbookId: "deploy", title: "Deploy", file: "/r/deploy.md", dir: "/r", shell: ["bash"], requires: [], checks: [], steps: [step("scale"), step("promote", { irreversible: "cannot unpromote" })], rollback: [], parallel: 1 };
const doc = assemblePlan({ plan, path: "runbooks/deploy.md", sha256: "a".repeat(64), commit: "c".repeat(40), values: { TARGET_ENV: "production", REPLICAS: "3", TOKEN: "s3cr3t-value" }, secrets: new Set(["TOKEN"]), required: 1, requester: "alice", now: new Date("2026-12-02T10:00:00Z"), expiresMs: 3_600_000, nonce: "00" });

describe("approval plans", () => {
  it("records secrets by name only, steps with their flags, and an id that names the bytes", () => {
    const bytes = planBytes(doc);
    expect(bytes.toString()).not.toContain("s3cr3t");
    expect(doc.params).toEqual({ REPLICAS: "3", TARGET_ENV: "production" });
    expect(doc.secrets).toEqual(["TOKEN"]);
    expect(doc.steps).toEqual([{ id: "scale", title: "scale", flags: [] }, { id: "promote", title: "promote", flags: ["irreversible"] }]);
    expect(doc.expiresAt).toBe("2026-12-02T11:00:00.000Z");
    expect(planIdOf(bytes)).toMatch(/^[0-9a-f]{16}$/);
    expect(parsePlan(bytes)).toEqual(doc);
    expect(parsePlan(Buffer.from("{\"kind\":\"other\"}"))).toBeUndefined();
    expect(parsePlan(Buffer.from("not json"))).toBeUndefined();
  });

  it("needs approval when every `when` param matches; unknown while one has no value", () => {
    expect(approvalNeed(undefined, {})).toBe("not-needed");
    expect(approvalNeed({ required: 1 }, {})).toBe("needed");
    const spec = { required: 1, when: { TARGET_ENV: ["production", "dr"], REGION: "eu" } };
    expect(approvalNeed(spec, { TARGET_ENV: "dr", REGION: "eu" })).toBe("needed");
    expect(approvalNeed(spec, { TARGET_ENV: "staging", REGION: "eu" })).toBe("not-needed");
    expect(approvalNeed(spec, { TARGET_ENV: "production" })).toBe("unknown");
    expect(approvalNeed(spec, { TARGET_ENV: "staging" })).toBe("not-needed");
  });

  it("lists every difference between a run and its plan", () => {
    const same = { path: "runbooks/deploy.md", sha256: "a".repeat(64), plan, values: { TARGET_ENV: "production", REPLICAS: "3" }, secrets: new Set(["TOKEN"]) };
    expect(planDifferences(doc, same)).toEqual([]);
    const drift = planDifferences(doc, { ...same, sha256: "b".repeat(64), values: { TARGET_ENV: "production", REPLICAS: "5", EXTRA: "x" }, plan: { ...plan, steps: [step("scale")] } });
    expect(drift).toEqual([
      "runbook content: approved sha256 aaaaaaaaaaaa (commit cccccccccccc), the file now has bbbbbbbbbbbb: it was edited after approval",
      'param EXTRA: not in the plan, given "x"',
      'param REPLICAS: approved "3", given "5"',
      "steps: approved scale[] promote[irreversible], now scale[]",
    ]);
    expect(planDifferences(doc, { ...same, secrets: new Set() , values: { ...same.values, TOKEN: "t" } })).toEqual(['param TOKEN: secret in the plan, not secret now']);
  });
});

describe("approval plans from anywhere", () => {
  it("parsePlan never throws, and a summary never carries a control character", async () => {
    const fc = await import("fast-check");
    fc.assert(
      fc.property(fc.string(), fc.jsonValue(), (text, value) => {
        parsePlan(Buffer.from(text));
        parsePlan(Buffer.from(JSON.stringify(value)));
      }),
    );
    fc.assert(
      fc.property(fc.string(), fc.string(), (title, value) => {
        const shown = planSummary({ ...doc, steps: [{ id: "a", title, flags: [] }], params: { X: value } }, "0123456789abcdef");
        expect(shown.replace(/\n/g, "")).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }),
    );
  });
});
