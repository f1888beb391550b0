import { describe, expect, it } from "vitest";
import type { JournalEvent, NewEvent } from "../../src/journal/events.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { assembleHandoff, handoffText } from "../../src/report/handoff-report.js";
import { summarize } from "../../src/report/run-summary.js";
import { stepFacts } from "../../src/report/step-facts.js";
import { reduce } from "../../src/run/state.js";
import { failoverStarted } from "../helpers/failover-journal.js";

// What whoever takes a run over will face after the step it stands at: the steps that ask a person
// or cannot be undone, by name and with their flags, in the handoff report.
const ID = "20261203T090000Z-failover-abcd";
const RUNBOOK = buildRunbook(
  "/r/failover.md",
  "---\nid: failover\nowner: db\n---\n# DB failover\n\n## Steps\n\n### Snapshot {#snapshot}\n\n```sh\ntrue\n```\n\n### Promote {#promote}\n\n```sh irreversible=\"the old primary cannot rejoin\"\ntrue\n```\n\n### DNS {#dns}\n\n```sh\ntrue\n```\n\n### Tell the team {#tell}\n\nPost in #incidents.\n",
);

describe("the handoff report says what lies ahead", () => {
  it("names the steps after the current one that ask or cannot be undone, with their flags", () => {
    const started = { ...failoverStarted(ID, { onFailure: "ask", yes: false }), order: ["snapshot", "promote", "dns", "tell"] } as NewEvent;
    const events = [started, { type: "attempt_started", target: "snapshot", phase: "command", attempt: 1 } as NewEvent].map((e, i) => ({ v: 8, seq: i + 1, ts: new Date(Date.UTC(2026, 11, 3, 9, i)).toISOString(), ...e }) as JournalEvent);
    const s = summarize(reduce(events), undefined, 5, stepFacts(RUNBOOK, true));
    expect(s.step).toBe("snapshot");
    expect(s.ahead.map((a) => a.id)).toEqual(["promote", "tell"]);
    const text = handoffText(assembleHandoff({ reads: [{ runId: ID, summary: s, torn: false }], now: Date.UTC(2026, 11, 3, 10), sinceMs: 12 * 3_600_000, stale: [], changed: [], gitChecked: true, remote: undefined }));
    expect(text).toMatch(/ahead: +promote \(confirm, irreversible \(the old primary cannot rejoin\)\); tell \(manual\)/);
  });
});
