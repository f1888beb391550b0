import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fence, journalEvents, marks, runbookProject, runIn } from "../helpers/runbooks.js";

/** The failover of the issue, each block writing a mark when it starts: fence, an irreversible promote, a repoint that fails. */
const FAILOVER =
  `## Steps\n### Fence {#fence}\n${fence("sh confirm", 'echo fence >> "$MARK"; echo fenced')}${fence("sh rollback", 'echo UNFENCE >> "$MARK"; echo UNFENCED-OLD-PRIMARY')}` +
  `### Promote {#promote}\n${fence('sh confirm irreversible="the replica cannot follow again"', 'echo promote >> "$MARK"; echo promoted')}` +
  `### Repoint {#repoint}\n${fence("sh", 'echo repoint >> "$MARK"; test -e "$MARK.ok"')}`;

describe("the point of no return (real processes, marks written by every block as it starts)", () => {
  it("--on-failure rollback stops at promote: the fence is never undone; --past promote then undoes it, and the journal says who named it", async () => {
    const p = await runbookProject(FAILOVER);
    const r = await runIn(p, ["run", "rb.md", "--yes", "--confirm-irreversible", "promote", "--on-failure", "rollback", "--plain"]);
    console.log(`the issue's three steps, now:\n$ runbook run rb.md --yes --confirm-irreversible promote --on-failure rollback --plain\n${r.stdout}${r.stderr}exit ${r.exitCode}`);
    expect(r.exitCode).toBe(1);
    expect(marks(p.mark)).toEqual(["fence", "promote", "repoint"]);
    expect(r.stdout).toContain("stops at promote, which is irreversible (the replica cannot follow again); left as it is: fence");
    expect(r.stdout).toContain("rolled back to promote (promote is irreversible (the replica cannot follow again); not undone: fence)");
    expect(r.stdout).not.toContain("UNFENCED-OLD-PRIMARY");

    const dry = await runIn(p, ["rollback", "last", "--dry-run"]);
    expect(dry.stdout).toContain("── stops at promote: it is irreversible (the replica cannot follow again)");
    const again = await runIn(p, ["rollback", "last", "--yes"]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain("--past promote");
    expect(marks(p.mark)).toEqual(["fence", "promote", "repoint"]);

    const past = await runIn(p, ["rollback", "last", "--past", "promote"], { RUNBOOK_OPERATOR: "carol" });
    expect(past.exitCode, past.stdout + past.stderr).toBe(0);
    expect(marks(p.mark)).toEqual(["fence", "promote", "repoint", "UNFENCE"]);
    const barrier = journalEvents(p.state).filter((e) => e.type === "answer" && e.question === "barrier");
    expect(barrier).toMatchObject([{ target: "promote", answer: "past", by: "--past promote" }]);
    expect(journalEvents(p.state).filter((e) => e.type === "run_resumed").at(-1)).toMatchObject({ operator: "carol", mode: "rollback" });
  });

  it("--yes alone stops before promote (exit 3), naming the flag; resume --confirm-irreversible promote goes on; no block starts twice", async () => {
    const p = await runbookProject(FAILOVER);
    const stopped = await runIn(p, ["run", "rb.md", "--yes"]);
    expect(stopped.exitCode).toBe(3);
    expect(stopped.stdout).toContain("stopped before promote: it is irreversible (the replica cannot follow again) and --yes never takes an irreversible step; to take it, resume with --confirm-irreversible promote");
    expect(marks(p.mark)).toEqual(["fence"]);
    writeFileSync(`${p.mark}.ok`, "");
    const resumed = await runIn(p, ["resume", "last", "--yes", "--confirm-irreversible", "promote"]);
    expect(resumed.exitCode, resumed.stdout + resumed.stderr).toBe(0);
    expect(marks(p.mark)).toEqual(["fence", "promote", "repoint"]);
  });

  it("--only a step that reads a captured value: refused before anything runs (exit 2); with -p it runs with the value", async () => {
    const p = await runbookProject(`## Steps\n### Find {#find}\n${fence("sh capture=LEADER", 'echo find >> "$MARK"; echo db-1')}### Use {#use}\n${fence("sh", 'echo "use:$LEADER" >> "$MARK"')}`);
    const refused = await runIn(p, ["run", "rb.md", "--only", "use"]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("`LEADER` (captured by find, which this run skips; read by use)");
    expect(refused.stderr).toContain("-p LEADER=…");
    expect(marks(p.mark)).toEqual([]);
    // The dry run says the same before anything would run, and takes the value as the run does.
    const dry = await runIn(p, ["run", "rb.md", "--only", "use", "--dry-run"]);
    expect(dry.exitCode).toBe(2);
    expect(dry.stderr).toContain("`LEADER` (captured by find, which this run skips; read by use)");
    expect((await runIn(p, ["run", "rb.md", "--only", "use", "--dry-run", "-p", "LEADER=db-7"])).exitCode).toBe(0);
    const ok = await runIn(p, ["run", "rb.md", "--only", "use", "-p", "LEADER=db-7"]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(marks(p.mark)).toEqual(["use:db-7"]);
  });
});
