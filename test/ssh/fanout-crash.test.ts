import { afterEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { fence, journalEvents, marks, onlyRunId, runbookProject, spawnCli, spawnIn, waitFor } from "../helpers/runbooks.js";
import { hasSshd, sshdRequired, startSshLab, type SshLab } from "../helpers/sshd.js";

const APPS = ["app-1", "app-2", "app-3", "app-4", "app-5"];
let lab: SshLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

describe.runIf(hasSshd || sshdRequired)("kill -9 of the runner in the middle of a fan-out", () => {
  it("never runs a step twice on a host: the hosts cut short are asked about, the resume runs only the hosts not reached", async () => {
    lab = await startSshLab(APPS.length, Object.fromEntries(APPS.map((a, i) => [a, i])));
    const p = await runbookProject(
      `## Steps\n### Deploy {#deploy}\n${fence("sh on=app parallel=2 timeout=60s", 'echo "$RUNBOOK_HOST" >> "$MARK"; while [ ! -e "$MARK.release" ]; do sleep 0.05; done')}`,
      `targets:\n  app: [${APPS.join(", ")}]\n`,
    );
    const env = { RUNBOOK_SSH_CONFIG: lab.configFile };
    const runner = spawnCli(p, ["run", "rb.md", "--yes", "--plain"], env);
    // Two hosts in flight (parallel=2), the other three not reached.
    await waitFor(() => marks(p.mark).length === 2);
    runner.kill("SIGKILL");
    await runner;
    writeFileSync(`${p.mark}.release`, "");
    const runId = onlyRunId(p.state);
    const started = journalEvents(p.state).filter((e) => e.type === "attempt_started").map((e) => e.host);
    expect(started).toHaveLength(2);

    // Every view says which hosts are done, cut short and not reached.
    const runs = await spawnIn(p, ["runs", "--format", "json"], env);
    expect(JSON.parse(runs.stdout)).toMatchObject([{ hosts: "hosts: 2 cut short (app-1, app-2), 3 pending (app-3, app-4, app-5)" }]);
    // The table fits 80 columns: the cell wraps, every word of it is there.
    const table = await spawnIn(p, ["runs"], env);
    expect(table.stdout.split("\n").every((l) => l.length <= 80)).toBe(true);
    expect(table.stdout).toMatch(/cut short/);
    const log = await spawnIn(p, ["log", runId, "--format", "markdown"], env);
    expect(log.stdout).toMatch(/`deploy` on `app-1` command started/);
    expect(log.stdout).toContain("## Hosts\n\n- `deploy` hosts: 2 cut short (app-1, app-2), 3 pending (app-3, app-4, app-5)");
    const handoff = await spawnIn(p, ["handoff"], env);
    expect(handoff.stdout).toContain("2 cut short (app-1, app-2), 3 pending (app-3, app-4, app-5)");

    // Without a terminal, a resume says what is unknown and runs nothing.
    const refused = await spawnIn(p, ["resume", runId, "--yes", "--plain"], env);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("step deploy (hosts cut short: app-1, app-2) was interrupted and its outcome is unknown");
    expect(marks(p.mark)).toHaveLength(2);

    // The operator says the two cut short did it: only the three others run.
    const resumed = await spawnIn(p, ["resume", runId, "--yes", "--plain", "--mark-interrupted-done"], env);
    expect(resumed.stderr).not.toContain("Error");
    expect(resumed.exitCode).toBe(0);
    expect(marks(p.mark).sort()).toEqual(APPS);
    const events = journalEvents(p.state);
    const ends = events.filter((e) => e.type === "step_finished" && e.host !== undefined).map((e) => `${String(e.host)} ${String(e.status)}`);
    expect(ends.sort()).toEqual(APPS.map((h) => `${h} done`));
    // Each host was started once over the whole run.
    expect(events.filter((e) => e.type === "attempt_started").map((e) => e.host).sort()).toEqual(APPS);
    expect(events.at(-1)).toMatchObject({ type: "run_finished", status: "completed" });
    expect(resumed.stdout).toContain("hosts: 5 done");
  }, 180_000);
});
