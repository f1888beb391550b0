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

async function failover(l: Lab, extra: string[] = [], cwd?: string, file = RUNBOOK) {
  const state = await tempDir("runbook-pg-state-");
  const started = Date.now();
  const r = await runCli(["run", file, "--yes", "-p", `PRIMARY_URL=${l.primary}`, "-p", `REPLICA_URL=${l.replica}`, ...extra], { cwd: cwd ?? ROOT, env: { RUNBOOK_STATE_DIR: state }, timeout: 240_000 });
  return { ...r, state, seconds: (Date.now() - started) / 1000 };
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
    expect(stepStatuses(r.state)).toEqual({ "check-lag": "done", fence: "done", drain: "done", promote: "done", "check-writes": "done", repoint: "done", "retire-old-primary": "done" });
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

  it("a drill with --record updates last_verified", async () => {
    const l = await startLab();
    const repo = await gitRepo();
    await repo.write("runbooks/postgres-failover.md", readFileSync(RUNBOOK, "utf8"));
    await repo.commit("add the failover runbook");
    const r = await failover(l, ["--record"], repo.dir, "runbooks/postgres-failover.md");
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const text = readFileSync(path.join(repo.dir, "runbooks/postgres-failover.md"), "utf8");
    expect(text).toMatch(/\nlast_verified: \d{4}-\d{2}-\d{2}\nverified_by: .+\nverified_commit: [0-9a-f]{40}\n---\n/);
  });
});
