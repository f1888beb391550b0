import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fence, journalEvents, marks, runbookProject, runIn, waitFor } from "../helpers/runbooks.js";
import { hasSshd, sshdRequired, startSshLab, type SshLab } from "../helpers/sshd.js";

const APPS = ["app-1", "app-2", "app-3", "app-4", "app-5"];
const labs: SshLab[] = [];
async function lab(): Promise<SshLab> {
  const l = await startSshLab(APPS.length + 2, { ...Object.fromEntries(APPS.map((a, i) => [a, i])), "db-1": 5, "db-2": 6 });
  labs.push(l);
  return l;
}
afterEach(async () => {
  await Promise.all(labs.splice(0).map((l) => l.close()));
});

const GROUPS = `targets:\n  app: [${APPS.join(", ")}]\n`;
type Ev = Record<string, unknown> & { type: string };
const hostsOf = (events: Ev[], type: string, target: string, phase?: string) => events.filter((e) => e.type === type && e.target === target && e.host !== undefined && (phase === undefined || e.phase === phase)).map((e) => e.host);

describe.runIf(hasSshd || sshdRequired)("a step on a group of hosts, over a real OpenSSH", () => {
  it("runs on five hosts in batches 1, 50%, 100%: the canary alone, then three, then the last; each host once, its params and RUNBOOK_HOST in its environment", async () => {
    const l = await lab();
    const p = await runbookProject(`## Steps\n### Deploy {#deploy}\n${fence("sh on=app batch=1,50%,100% parallel=10", 'echo "$RUNBOOK_HOST $VERSION $RUNBOOK_STEP_ID" >> "$MARK"')}`, `${GROUPS}params:\n  VERSION: {default: "1.2'3"}\n`);
    const r = await runIn(p, ["run", "rb.md", "--yes", "--plain"], { RUNBOOK_SSH_CONFIG: l.configFile });
    // The hosts are said before anything runs.
    expect(r.stderr).toBe("runbook: deploy runs on 5 hosts (on=app): app-1, app-2, app-3, app-4, app-5\n");
    expect(r.exitCode).toBe(0);
    expect(marks(p.mark).sort()).toEqual(APPS.map((h) => `${h} 1.2'3 deploy`));
    const events = journalEvents(p.state) as Ev[];
    expect(events[0]).toMatchObject({ type: "run_started", v: 8, targets: { app: APPS } });
    // The order of starts and ends shows the batches: a batch starts once the one before has ended.
    const order = events.filter((e) => (e.type === "attempt_started" || e.type === "step_finished") && e.host !== undefined).map((e) => `${e.type === "attempt_started" ? "start" : "end"} ${String(e.host)}`);
    expect(order.slice(0, 2)).toEqual(["start app-1", "end app-1"]);
    expect(order.slice(2, 5).sort()).toEqual(["start app-2", "start app-3", "start app-4"]);
    expect(order.slice(5, 8).sort()).toEqual(["end app-2", "end app-3", "end app-4"]);
    expect(order.slice(8)).toEqual(["start app-5", "end app-5"]);
    expect(events.filter((e) => e.type === "step_finished" && e.host === undefined)).toMatchObject([{ target: "deploy", status: "done" }]);
    expect(r.stdout).toContain("app-5");
  }, 120_000);

  for (const maxFail of [1, 0]) {
    it(`one host's sshd stopped mid-run: max_fail=${maxFail} ${maxFail ? "goes on with the others and passes" : "fails the step and rolls back only the hosts that ran, newest first"}`, async () => {
      const l = await lab();
      const release = path.join(path.dirname(await Promise.resolve(l.configFile)), "release");
      const p = await runbookProject(
        [
          "## Steps",
          `### Prepare {#prepare}\n${fence("sh on=app", 'echo "prepare $RUNBOOK_HOST" >> "$MARK"')}`,
          `### Wait {#wait}\n${fence("sh timeout=60s", `while [ ! -e '${release}' ]; do sleep 0.05; done`)}`,
          `### Repoint {#repoint}\n${fence(`sh on=app batch=1,2,100% parallel=1 max_fail=${maxFail}`, 'echo "repoint $RUNBOOK_HOST" >> "$MARK"')}${fence("sh rollback", 'echo "undo $RUNBOOK_HOST" >> "$MARK"')}`,
        ].join("\n"),
        GROUPS,
      );
      const run = runIn(p, ["run", "rb.md", "--yes", "--plain", "--on-failure", "rollback"], { RUNBOOK_SSH_CONFIG: l.configFile });
      await waitFor(() => marks(p.mark).length === 5);
      await l.stop(1); // app-2
      writeFileSync(release, "");
      const r = await run;
      const repointed = marks(p.mark).filter((m) => !m.startsWith("prepare"));
      const events = journalEvents(p.state) as Ev[];
      expect(events.filter((e) => e.type === "step_finished" && e.target === "repoint" && e.host !== undefined).map((e) => `${String(e.host)} ${String(e.status)}`)).toEqual(
        maxFail ? ["app-1 done", "app-2 failed", "app-3 done", "app-4 done", "app-5 done"] : ["app-1 done", "app-2 failed"],
      );
      if (maxFail) {
        expect(r.exitCode).toBe(0);
        expect(repointed).toEqual(["repoint app-1", "repoint app-3", "repoint app-4", "repoint app-5"]);
        expect(events.at(-1)).toMatchObject({ type: "run_finished", status: "completed" });
        return;
      }
      expect(r.exitCode).toBe(1);
      // app-3, app-4 and app-5 never ran it, so nothing is undone there; app-2 is unreachable, so its undo fails.
      expect(repointed).toEqual(["repoint app-1", "undo app-1"]);
      expect(hostsOf(events, "attempt_started", "repoint", "rollback")).toEqual(["app-2", "app-1"]);
      expect(events.filter((e) => e.type === "rollback_finished" && e.target === "repoint").map((e) => `${String(e.host ?? "step")} ${String(e.status)}`)).toEqual(["app-2 failed", "app-1 rolled_back", "step failed"]);
      expect(events.at(-1)).toMatchObject({ type: "run_finished", status: "rollback_failed" });
    }, 120_000);
  }

  it("reads hosts from an Ansible inventory in YAML and in INI, and from a command, once, before the run", async () => {
    const l = await lab();
    const p = await runbookProject(
      ["## Steps", `### Web {#web}\n${fence("sh on=web", 'echo "web $RUNBOOK_HOST" >> "$MARK"')}`, `### Db {#db}\n${fence("sh on=db", 'echo "db $RUNBOOK_HOST" >> "$MARK"')}`, `### Listed {#listed}\n${fence("sh on=listed", 'echo "listed $RUNBOOK_HOST" >> "$MARK"')}`].join("\n"),
      `targets:\n  web: {inventory: hosts.yml, group: web}\n  db: {inventory: hosts.ini, group: databases}\n  listed: {command: "printf 'app-4\\\\n# a comment\\\\napp-5\\\\n'"}\n`,
    );
    writeFileSync(path.join(p.dir, "hosts.yml"), "all:\n  children:\n    web:\n      hosts:\n        app-1:\n        app-2:\n          ansible_host: 10.0.0.2\n      children:\n        canary:\n          hosts:\n            app-3:\n");
    writeFileSync(path.join(p.dir, "hosts.ini"), "[primary]\ndb-1 ansible_port=5432\n\n[replicas]\ndb-2\n\n[databases:children]\nprimary\nreplicas\n\n[databases:vars]\nx=1\n");
    const r = await runIn(p, ["run", "rb.md", "--yes", "--plain"], { RUNBOOK_SSH_CONFIG: l.configFile });
    expect(r.stderr).toBe("runbook: web runs on 3 hosts (on=web): app-1, app-2, app-3\nrunbook: db runs on 2 hosts (on=db): db-1, db-2\nrunbook: listed runs on 2 hosts (on=listed): app-4, app-5\n");
    expect(r.exitCode).toBe(0);
    expect(marks(p.mark).sort()).toEqual(["db db-1", "db db-2", "listed app-4", "listed app-5", "web app-1", "web app-2", "web app-3"]);
    expect(journalEvents(p.state)[0]).toMatchObject({ targets: { web: ["app-1", "app-2", "app-3"], db: ["db-1", "db-2"], listed: ["app-4", "app-5"] } });
  }, 120_000);

  it("refuses before anything runs when an inventory has no such group, naming the nearest one", async () => {
    const p = await runbookProject(`## Steps\n### Web {#web}\n${fence("sh on=web", 'echo "$RUNBOOK_HOST" >> "$MARK"')}`, "targets:\n  web: {inventory: hosts.ini, group: webb}\n");
    writeFileSync(path.join(p.dir, "hosts.ini"), "[web]\napp-1\n");
    const r = await runIn(p, ["run", "rb.md", "--yes", "--plain"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("targets: web: inventory hosts.ini has no group `webb` (did you mean `web`?)");
    expect(marks(p.mark)).toEqual([]);
  });
});
