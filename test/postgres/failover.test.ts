import { execa } from "execa";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT, runCli } from "../helpers/cli.js";
import { gitRepo } from "../helpers/git.js";
import { journalEvents } from "../helpers/runbooks.js";
import { tempDir } from "../helpers/tmp.js";

const LAB = path.join(ROOT, "lab/pg-lab.sh");
const RUNBOOK = path.join(ROOT, "runbooks/postgres-failover.md");
const hasPostgres = existsSync("/usr/lib/postgresql") && readdirSync("/usr/lib/postgresql").some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
/** CI sets RUNBOOK_REQUIRE_POSTGRES=1: there a missing server fails these tests instead of skipping them. */
const required = process.env.RUNBOOK_REQUIRE_POSTGRES === "1";
if (!hasPostgres && !required) console.warn("PostgreSQL failover tests skipped: no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql); CI installs it and requires them");

/**
 * Two free neighbouring ports for a lab. Each lab gets its own, so a lab left behind by a killed run,
 * or another test suite running on the same machine, cannot collide with the next.
 */
async function freePorts(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
  for (let tries = 0; tries < 200; tries++) {
    const port = 20_000 + 2 * Math.floor(Math.random() * 10_000);
    if ((await free(port)) && (await free(port + 1))) return port;
  }
  throw new Error("no two free neighbouring ports for a PostgreSQL lab");
}

interface Lab {
  primary: string;
  replica: string;
  lab: (...args: string[]) => Promise<string>;
  sql: (url: string, query: string) => Promise<string>;
}

const labs: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const down of labs.splice(0)) await down();
});

async function startLab(): Promise<Lab> {
  const port = await freePorts();
  const env = { PGLAB_PRIMARY_PORT: String(port) };
  const lab = async (...args: string[]) => String((await execa(LAB, args, { env })).stdout);
  await lab("down");
  await lab("up");
  labs.push(async () => void (await lab("down").catch(() => "")));
  const urls = Object.fromEntries((await lab("env")).split("\n").map((l) => l.split(/=(.*)/s).slice(0, 2)));
  const sql = async (url: string, query: string) => String((await execa("psql", [url, "-X", "-qtAc", query])).stdout);
  return { primary: urls.PRIMARY_URL!, replica: urls.REPLICA_URL!, lab, sql };
}

/** `--yes` never takes the irreversible promotion: the drills name it, as a CI drill must. */
async function failover(l: Lab, extra: string[] = [], cwd?: string, file = RUNBOOK, confirm = ["--confirm-irreversible", "promote"]) {
  const state = await tempDir("runbook-pg-state-");
  const started = Date.now();
  const r = await runCli(["run", file, "--yes", ...confirm, "-p", `PRIMARY_URL=${l.primary}`, "-p", `REPLICA_URL=${l.replica}`, ...extra], { cwd: cwd ?? ROOT, env: { RUNBOOK_STATE_DIR: state }, timeout: 240_000 });
  return { ...r, state, seconds: (Date.now() - started) / 1000 };
}

/** Which servers take writes now: a primary that is not read-only. */
async function writable(l: Lab): Promise<string[]> {
  const out: string[] = [];
  for (const [name, url] of [["old primary", l.primary], ["standby", l.replica]] as const) {
    const recovery = await l.sql(url, "select pg_is_in_recovery()").catch(() => "down");
    const ro = await l.sql(url, "show default_transaction_read_only").catch(() => "down");
    if (recovery === "f" && ro === "off") out.push(name);
  }
  return out;
}

const stepStatuses = (state: string) => Object.fromEntries(journalEvents(state).filter((e) => e.type === "step_finished").map((e) => [e.target, e.status]));

describe.skipIf(!hasPostgres && !required)("runbooks/postgres-failover.md against a real primary/standby pair", () => {
  it("planned failover: data kept, new primary takes writes, old one is read-only, every step journaled", async () => {
    const l = await startLab();
    await l.sql(l.primary, "create table orders(id int primary key); insert into orders select generate_series(1, 1000)");
    const r = await failover(l);
    console.log(`planned failover: ${r.seconds.toFixed(1)} s`);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(await l.sql(l.replica, "select pg_is_in_recovery()")).toBe("f");
    expect(await l.sql(l.replica, "select count(*) from orders")).toBe("1000");
    await l.sql(l.replica, "insert into orders values (1001)");
    expect(await l.sql(l.primary, "show default_transaction_read_only")).toBe("on");
    await expect(l.sql(l.primary, "insert into orders values (1002)")).rejects.toThrow(/read-only transaction/);
    // The manual steps were answered by --yes, not done by anyone: assumed.
    expect(stepStatuses(r.state)).toEqual({ "check-lag": "done", fence: "done", drain: "done", promote: "done", "check-writes": "done", repoint: "assumed", "retire-old-primary": "assumed" });
    expect(journalEvents(r.state).filter((e) => e.type === "check_finished").map((e) => e.status)).toEqual(["passed", "passed", "passed"]);
  });

  it("emergency failover after the primary is killed: fencing skips itself, promotion succeeds", async () => {
    const l = await startLab();
    await l.sql(l.primary, "create table t(x int); insert into t values (1)");
    await l.sql(l.replica, "select 1");
    await new Promise((res) => setTimeout(res, 300));
    await l.lab("crash-primary");
    const r = await failover(l);
    console.log(`emergency failover: ${r.seconds.toFixed(1)} s`);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("primary unreachable: emergency failover");
    expect(r.stdout).toContain("old primary is unreachable: nothing to fence");
    expect(await l.sql(l.replica, "select pg_is_in_recovery()")).toBe("f");
    expect(await l.sql(l.replica, "select count(*) from t")).toBe("1");
  });

  it("stops at the lag check when the standby is too far behind, and changes nothing", async () => {
    const l = await startLab();
    await l.lab("pause-replay");
    await l.sql(l.primary, "create table filler as select g, repeat('x', 200) as pad from generate_series(1, 20000) g");
    const r = await failover(l, ["-p", "MAX_LAG_BYTES=65536"]);
    console.log(`lag over threshold: ${r.seconds.toFixed(1)} s`);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/standby replay lag: \d+ bytes \(limit 65536\)/);
    expect(stepStatuses(r.state)).toEqual({ "check-lag": "failed" });
    expect(journalEvents(r.state).filter((e) => e.type === "attempt_started" && e.target !== "check-lag" && !String(e.target).startsWith("@"))).toEqual([]);
    expect(await l.sql(l.primary, "show default_transaction_read_only")).toBe("off");
    expect(await l.sql(l.replica, "select pg_is_in_recovery()")).toBe("t");
  });

  it("a failure after fencing rolls back: the old primary accepts writes again", async () => {
    const l = await startLab();
    await l.sql(l.primary, "create table t(x int)");
    // pg_promote refuses wait_seconds 0: the promotion fails after the primary was fenced.
    const r = await failover(l, ["-p", "PROMOTE_WAIT_SECONDS=0", "--on-failure", "rollback"]);
    console.log(`failure after fencing, rolled back: ${r.seconds.toFixed(1)} s`);
    expect(r.exitCode).toBe(1);
    expect(journalEvents(r.state).filter((e) => e.type === "rollback_finished").map((e) => [e.target, e.status])).toEqual([
      ["promote", "none"],
      ["drain", "none"],
      ["fence", "rolled_back"],
      ["check-lag", "none"],
      ["@rollback/1", "rolled_back"],
    ]);
    expect(await l.sql(l.primary, "show default_transaction_read_only")).toBe("off");
    await l.sql(l.primary, "insert into t values (1)");
    expect(await l.sql(l.replica, "select pg_is_in_recovery()")).toBe("t");
  });

  it("a full failover then `rollback last --yes`: the rollback stops at the promotion, and exactly one server takes writes", async () => {
    const l = await startLab();
    await l.sql(l.primary, "create table t(x int)");
    const r = await failover(l);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(await writable(l)).toEqual(["standby"]);
    const back = await runCli(["rollback", "last", "--yes"], { cwd: ROOT, env: { RUNBOOK_STATE_DIR: r.state }, timeout: 120_000 });
    const status = await l.lab("status");
    console.log(`after a full failover and rollback last --yes:\n${back.stdout}${back.stderr}\nlab/pg-lab.sh status:\n${status}`);
    expect(back.exitCode, back.stdout + back.stderr).toBe(1);
    expect(back.stdout).toContain("rolled back to promote");
    expect(back.stdout).toContain("not undone: drain, fence, check-lag");
    // The fence's rollback never ran: the old primary is still read-only, the new one alone takes writes.
    expect(journalEvents(r.state).filter((e) => e.type === "attempt_started" && e.phase === "rollback").map((e) => e.target)).toEqual([]);
    expect(await writable(l)).toEqual(["standby"]);
    expect(await l.sql(l.primary, "show default_transaction_read_only")).toBe("on");
  });

  it("--yes alone stops before the promotion (exit 3) with the standby untouched; a resume naming it completes, running nothing twice", async () => {
    const l = await startLab();
    const r = await failover(l, [], undefined, RUNBOOK, []);
    expect(r.exitCode, r.stdout + r.stderr).toBe(3);
    expect(r.stderr).toContain("--yes stops before promote (irreversible): to take it, pass --confirm-irreversible promote");
    expect(await l.sql(l.replica, "select pg_is_in_recovery()")).toBe("t");
    const resumed = await runCli(["resume", "last", "--yes", "--confirm-irreversible", "promote"], { cwd: ROOT, env: { RUNBOOK_STATE_DIR: r.state }, timeout: 240_000 });
    expect(resumed.exitCode, resumed.stdout + resumed.stderr).toBe(0);
    expect(await writable(l)).toEqual(["standby"]);
    const starts = journalEvents(r.state).filter((e) => e.type === "attempt_started" && e.phase === "command").map((e) => e.target);
    expect(starts.filter((t) => !String(t).startsWith("@"))).toEqual(["check-lag", "fence", "drain", "promote", "check-writes"]);
  });

  it("a drill with --yes and --record records no verification (nobody did the manual steps) and says how; `runbook verify` then records one as the same person", async () => {
    const l = await startLab();
    const repo = await gitRepo();
    await repo.write("runbooks/postgres-failover.md", readFileSync(RUNBOOK, "utf8"));
    await repo.commit("add the failover runbook");
    const r = await failover(l, ["--record"], repo.dir, "runbooks/postgres-failover.md");
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const skipped = journalEvents(r.state).find((e) => e.type === "verification_skipped");
    expect(skipped?.reason).toBe("nobody did the manual steps repoint, retire-old-primary (--yes assumed them done); once they have been checked by hand, `runbook verify <file>` records the verification");
    const file = path.join(repo.dir, "runbooks/postgres-failover.md");
    expect(readFileSync(file, "utf8")).not.toMatch(/verified_by: Test Verifier/);
    const v = await runCli(["verify", "runbooks/postgres-failover.md"], { cwd: repo.dir, env: { RUNBOOK_OPERATOR: "someone-else" } });
    expect(v.exitCode, v.stderr).toBe(0);
    // git's user.name first, as --record would have written: one identity for both.
    expect(readFileSync(file, "utf8")).toMatch(/\nlast_verified: \d{4}-\d{2}-\d{2}\nverified_by: Test Verifier\nverified_commit: [0-9a-f]{40}\n---\n/);
  });
});
