import { describe, expect, it } from "vitest";
import { fence, journalEvents, marks, onlyRunId, processesMatching, runbookProject, runIn, spawnCli, waitFor } from "../helpers/runbooks.js";

describe("steps at once, kill -9 of the runner with two blocks in flight, resume (real processes)", () => {
  it("never runs a completed step twice: the step cut short is asked about (--rerun-interrupted), the rest runs once", async () => {
    const tag = `31.${process.pid}${Date.now() % 1000}`;
    const body = [
      `### Start {#start}\n${fence("sh", 'echo start >> "$MARK"')}`,
      `### Fast {#fast}\n${fence("sh needs=start", 'echo fast >> "$MARK"')}`,
      // Long the first time (the runner is killed meanwhile), short when run again.
      `### Slow {#slow}\n${fence("sh needs=start", `echo slow-start >> "$MARK"; if [ ! -e "$MARK.again" ]; then touch "$MARK.again"; sleep ${tag}; fi; echo slow-end >> "$MARK"`)}`,
      `### Slower {#slower}\n${fence("sh needs=start", `echo slower-start >> "$MARK"; if [ ! -e "$MARK.slower" ]; then touch "$MARK.slower"; sleep ${tag}; fi; echo slower-end >> "$MARK"`)}`,
      `### Join {#join}\n${fence("sh needs=fast,slow,slower", 'echo join >> "$MARK"')}`,
    ].join("");
    const p = await runbookProject(`## Steps\n${body}`, "parallel: 3\n");
    const child = spawnCli(p, ["run", "rb.md", "--plain"]);
    // Killed once the fast step's end is journaled while the slow one runs beside it.
    await waitFor(() => marks(p.mark).includes("slow-start") && marks(p.mark).includes("slower-start") && journalEvents(p.state).some((e) => e.type === "attempt_finished" && e.target === "fast"));
    child.kill("SIGKILL");
    await child;
    // Two blocks in flight, each in its own process group: both outlive the runner.
    expect(processesMatching(`sleep ${tag}`).length).toBeGreaterThanOrEqual(2);
    const r = await runIn(p, ["resume", onlyRunId(p.state), "--plain", "--rerun-interrupted"]);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    // Both orphaned blocks were stopped before anything ran again.
    expect(processesMatching(`sleep ${tag}`)).toEqual([]);
    const m = marks(p.mark);
    expect(m.filter((x) => x === "start")).toHaveLength(1);
    expect(m.filter((x) => x === "fast")).toHaveLength(1);
    expect(m.filter((x) => x === "slow-start")).toHaveLength(2);
    expect(m.filter((x) => x === "slow-end")).toHaveLength(1);
    expect(m.filter((x) => x === "slower-start")).toHaveLength(2);
    expect(m.filter((x) => x === "slower-end")).toHaveLength(1);
    expect(m.at(-1)).toBe("join");
    const events = journalEvents(p.state);
    // The fast step's command started once in the whole journal; its end was journaled as done by the resume.
    expect(events.filter((e) => e.type === "attempt_started" && e.target === "fast")).toHaveLength(1);
    expect(events.filter((e) => e.type === "answer" && e.target === "slow")).toEqual([expect.objectContaining({ question: "interrupted", answer: "rerun" })]);
    expect(events.filter((e) => e.type === "answer" && e.target === "slower")).toEqual([expect.objectContaining({ question: "interrupted", answer: "rerun" })]);
    expect(r.stderr.match(/stopped process group \d+/g)).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: "run_finished", status: "completed" });
  });

  it("on SIGINT stops every step in flight, journals each one's end before the run's interruption, exits 130; the resume reruns both", async () => {
    const body = [
      `### Start {#start}\n${fence("sh", 'echo start >> "$MARK"')}`,
      `### Left {#left}\n${fence("sh needs=start", 'echo left-start >> "$MARK"; if [ ! -e "$MARK.left" ]; then touch "$MARK.left"; sleep 60; fi; echo left-end >> "$MARK"')}`,
      `### Right {#right}\n${fence("sh needs=start", 'echo right-start >> "$MARK"; if [ ! -e "$MARK.right" ]; then touch "$MARK.right"; sleep 60; fi; echo right-end >> "$MARK"')}`,
    ].join("");
    const p = await runbookProject(`## Steps\n${body}`, "parallel: 2\n");
    const child = spawnCli(p, ["run", "rb.md", "--plain"]);
    await waitFor(() => marks(p.mark).includes("left-start") && marks(p.mark).includes("right-start"));
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode).toBe(130);
    const events = journalEvents(p.state);
    // Both ends are journaled (cut short) before the run's interruption, which is the last event.
    const ends = events.filter((e) => e.type === "attempt_finished" && (e.target === "left" || e.target === "right"));
    expect(ends.map((e) => [e.target, e.interrupted])).toEqual(expect.arrayContaining([["left", true], ["right", true]]));
    expect(events.at(-1)).toMatchObject({ type: "run_interrupted" });
    const resumed = await runIn(p, ["resume", onlyRunId(p.state), "--plain", "--rerun-interrupted"]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(marks(p.mark).filter((m) => m.endsWith("-end")).sort()).toEqual(["left-end", "right-end"]);
    expect(marks(p.mark).filter((m) => m === "start")).toHaveLength(1);
  });
});
