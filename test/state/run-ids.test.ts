import { describe, expect, it } from "vitest";
import { leaseStatus, type LeaseRecord } from "../../src/state/shared/lease.js";
import { resolveRunId } from "../../src/state/run-ids.js";

const ids = ["20261127T080000Z-dns-switch-1a2b", "20261128T120000Z-postgres-failover-3fa9", "20261128T120500Z-postgres-failover-77c0"];

describe("naming a run", () => {
  it("takes a full id, a unique prefix, or last", () => {
    expect(resolveRunId(ids[1]!, ids, "state")).toBe(ids[1]);
    expect(resolveRunId("20261127", ids, "state")).toBe(ids[0]);
    expect(resolveRunId("20261128T1205", ids, "state")).toBe(ids[2]);
    expect(resolveRunId("last", ids, "state")).toBe(ids[2]);
  });

  it("lists the runs an ambiguous prefix matches, and the closest ones on a miss", () => {
    expect(() => resolveRunId("20261128T12", ids, "state")).toThrow(/matches 2 runs: .*3fa9, .*77c0/);
    expect(() => resolveRunId("20261128T120600Z", ids, "state")).toThrow(expect.objectContaining({ hint: expect.stringMatching(/^Closest runs: 20261128T120500Z-postgres-failover-77c0, 20261128T120000Z/) }));
    expect(() => resolveRunId("last", [], ".runbook")).toThrow(/no runs in \.runbook/);
    expect(() => resolveRunId("../../etc/passwd", ids, "state")).toThrow(/is not a run id/);
  });
});

describe("a lease", () => {
  const lease = (over: Partial<LeaseRecord>): LeaseRecord => ({ runId: "r", user: "u", host: "h", pid: 1, startTime: null, startedAt: "2026-11-28T12:00:00Z", renewedAt: "2026-11-28T12:00:00Z", expiresAt: "2026-11-28T12:02:00Z", released: false, ...over });
  it("is live until it expires, and free once released", () => {
    expect(leaseStatus(undefined, 0)).toBe("free");
    expect(leaseStatus(lease({}), Date.parse("2026-11-28T12:01:59Z"))).toBe("live");
    expect(leaseStatus(lease({}), Date.parse("2026-11-28T12:02:00Z"))).toBe("expired");
    expect(leaseStatus(lease({ released: true }), Date.parse("2026-11-28T12:01:00Z"))).toBe("free");
  });
});
