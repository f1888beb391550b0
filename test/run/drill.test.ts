import { describe, expect, it } from "vitest";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { parseReviewPeriod } from "../../src/model/duration.js";
import { drillDue, drilledOn, drillParamValues } from "../../src/run/drill.js";

describe("what a drill reads (pure)", () => {
  it("is due when never verified, or when last_verified + every has come", () => {
    const every = parseReviewPeriod("2w")!;
    expect(drillDue(undefined, every, new Date("2026-12-02T10:00:00Z"))).toEqual({ due: true, since: undefined });
    expect(drillDue("2026-11-18", every, new Date("2026-12-02T10:00:00Z"))).toEqual({ due: true, since: "2026-12-02" });
    expect(drillDue("2026-11-19", every, new Date("2026-12-02T10:00:00Z"))).toEqual({ due: false, since: "2026-12-03" });
    expect(drillDue("2026-01-31", parseReviewPeriod("1 month")!, new Date("2026-02-28T00:00:00Z")).due).toBe(true);
  });

  it("counts the period from the later of last_verified and the last drill that passed", () => {
    expect(drilledOn(undefined, undefined)).toBeUndefined();
    expect(drilledOn("2026-11-01", undefined)).toBe("2026-11-01");
    expect(drilledOn(undefined, "2026-11-20T03:00:00.000Z")).toBe("2026-11-20");
    expect(drilledOn("2026-11-01", "2026-11-20T03:00:00.000Z")).toBe("2026-11-20");
    expect(drilledOn("2026-11-25", "2026-11-20T03:00:00.000Z")).toBe("2026-11-25");
  });

  it("takes ${NAME} from the environment and names what is not set, never guessing", () => {
    expect(drillParamValues({ A: "staging", B: "${HOST}:5432", C: "${NOPE}" }, { HOST: "db.internal" })).toEqual({
      values: { A: "staging", B: "db.internal:5432", C: "" },
      fromEnv: ["B", "C"],
      missing: ["NOPE"],
    });
  });

  it("reads drill_skip after a heading's id, and refuses any other heading attribute with the nearest one", () => {
    const r = buildRunbook("x.md", "---\nid: x\nowner: y\n---\n## Steps\n### Page {#page drill_skip}\nCall.\n### Tell {#tell drill_skp}\nPost.\n### Plain {#plain}\nx\n");
    expect(r.steps.map((s) => [s.id, s.title, s.drillSkip])).toEqual([["page", "Page", true], ["tell", "Tell", false], ["plain", "Plain", false]]);
    expect(r.problems.map((p) => p.message)).toEqual(["Unknown heading attribute `drill_skp` (did you mean `drill_skip`?): after the id a heading takes only `drill_skip`"]);
  });
});
