import { execa } from "execa";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { waitFor } from "../helpers/runbooks.js";
import { liveRunId, markingRunbook, sharedRepos } from "../helpers/shared.js";
import { tempDir } from "../helpers/tmp.js";

const RACER = fileURLToPath(new URL("../helpers/notes-race.mjs", import.meta.url));

type Ev = { type: string; by?: string; text?: string; ts: string; queued?: { id: string; at: string } };

describe("notes from anyone on a shared run (refs/runbook/notes/<run-id>)", () => {
  it("three clones each leave 50 notes at once: all 150 appear exactly once in every clone, merged with the journal by time", async () => {
    const s = await sharedRepos({ "runbooks/db.md": markingRunbook("db", [{ id: "one" }, { id: "two" }]) }, { operators: ["alice", "bob", "carol"], lease: "60s" });
    const [a, b, c] = s.clones;
    const ran = await a!.run(["run", "runbooks/db.md", "--yes"]);
    expect(ran.exitCode, ran.stderr).toBe(0);
    const runId = (JSON.parse((await a!.run(["runs", "--format", "json"])).stdout) as Array<{ runId: string }>)[0]!.runId;

    const dir = await tempDir("runbook-notes-race-");
    const names = ["alice", "bob", "carol"];
    const racers = s.clones.map((clone, i) => execa(process.execPath, [RACER, clone.dir, dir, names[i]!, names.filter((n) => n !== names[i]).join(","), runId, "50"]));
    const tries = (await Promise.all(racers)).map((r) => JSON.parse(String(r.stdout)) as number[]);
    // The race was real: some appends lost a compare-and-swap and went again.
    const retried = tries.flat().filter((t) => t > 1).length;
    expect(retried).toBeGreaterThan(0);

    for (const clone of [a!, b!, c!]) {
      const log = await clone.run(["log", runId, "--format", "json"]);
      expect(log.exitCode, log.stderr).toBe(0);
      const events = JSON.parse(log.stdout) as Ev[];
      const notes = events.filter((e) => e.type === "note");
      expect(notes).toHaveLength(150);
      expect(new Set(notes.map((n) => n.queued?.id)).size).toBe(150);
      for (const n of names) for (let k = 0; k < 50; k++) expect(notes.filter((e) => e.by === n && e.text === `note ${k} from ${n}`), `${n} ${k}`).toHaveLength(1);
      // Merged by time: every note after the run started; the notes among themselves in time order.
      expect(events[0]!.type).toBe("run_started");
      const times = notes.map((e) => e.ts);
      expect([...times].sort()).toEqual(times);
      const runs = JSON.parse((await clone.run(["runs", "--format", "json"])).stdout) as Array<{ notes: number }>;
      expect(runs[0]!.notes).toBe(150);
    }
    process.stdout.write(`notes race: ${tries.flat().length} appends, ${retried} retried, most tries ${Math.max(...tries.flat())}\n`);
  }, 300_000);

  it("`runbook note` from a clone that does not hold a live run is recorded, shown by log and handoff, and its live runner journals it once", async () => {
    const rb = markingRunbook("svc", [{ id: "one" }, { id: "wait", body: 'while [ ! -f "$MARK.go" ]; do sleep 0.05; done' }, { id: "three" }]);
    const s = await sharedRepos({ "runbooks/svc.md": rb }, { lease: "60s" });
    const [a, b] = s.clones;
    const runner = a!.spawn(["run", "runbooks/svc.md", "--yes", "--plain"], { RUNBOOK_SHARE_NOTES_POLL_MS: "200" });
    let out = "";
    runner.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    const runId = await liveRunId(b!);
    const noted = await b!.run(["note", runId, "waiting on the DBA"]);
    expect(noted.exitCode, noted.stderr).toBe(0);
    expect(noted.stdout).toContain(`Noted on run ${runId} by bob (on origin, refs/runbook/notes/${runId}`);
    expect(noted.stdout).toContain("its live runner shows it");
    const handoff = await b!.run(["handoff"]);
    expect(handoff.stdout).toContain("waiting on the DBA");
    // The live runner picks it up from the ref and shows it on its plain view, before it goes on.
    await waitFor(() => out.includes("✎ note from bob: waiting on the DBA"), 60_000);
    writeFileSync(`${s.mark}.go`, "");
    const done = await runner;
    expect(done.exitCode, String(done.stderr)).toBe(0);
    for (const clone of [a!, b!]) {
      const log = JSON.parse((await clone.run(["log", runId, "--format", "json"])).stdout) as Ev[];
      expect(log.filter((e) => e.type === "note" && e.text === "waiting on the DBA")).toHaveLength(1);
    }
  }, 180_000);
});
