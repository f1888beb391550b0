import type { NewEvent } from "../../src/journal/events.js";

/** The first event of a three-step failover run (snapshot, promote, dns), as the report tests read it. */
export function failoverStarted(runId: string, options: { onFailure: "ask" | "abort"; yes: boolean }): NewEvent {
  return {
    type: "run_started",
    runId,
    runbook: { id: "failover", file: "/r/failover.md", path: "runbooks/failover.md", base: "repository", sha256: "0".repeat(64), title: "DB failover" },
    git: null,
    operator: "alice",
    host: "laptop-a",
    pid: 42,
    params: {},
    secrets: [],
    order: ["snapshot", "promote", "dns"],
    options: { ...options, record: false },
  };
}
