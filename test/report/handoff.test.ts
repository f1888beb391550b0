import { execa } from "execa";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, runMain } from "../helpers/cli.js";
import { gitRepo } from "../helpers/git.js";
import { marks, waitFor } from "../helpers/runbooks.js";
import { percentile } from "../../src/report/run-stats.js";

const SECRET = "hunter2-SECRET-value";
const HOUR = 3_600_000;

const runbook = (id: string, title: string, steps: string, frontmatter = "") => `---\nid: ${id}\nowner: team-test\nparams:\n  MARK: {}\n${frontmatter}---\n# ${title}\n\n## Steps\n\n${steps}`;
const fence = (info: string, body: string) => `\`\`\`${info}\n${body}\n\`\`\`\n`;
const killSteps = (withThree: boolean) =>
  `### One {#one}\n\n${fence("sh", 'echo "one uses token $TOKEN"; echo one >> "$MARK"')}\n### Two {#two}\n\n${fence("sh", 'echo "two starting"; echo two >> "$MARK"; [ -f "$MARK.two" ] || { touch "$MARK.two"; sleep 60; }')}` +
  (withThree ? `\n### Three {#three}\n\n${fence("sh", 'echo three >> "$MARK"')}` : "");

describe("runbook handoff, from real runs", () => {
  it("reports open runs with their way on, ended runs, notes, stale and changed runbooks; its resume command works; no secret anywhere; stats match", async () => {
    const repo = await gitRepo();
    const mark = path.join(repo.dir, "marks");
    const files: Record<string, string> = {
      "runbooks/ok.md": runbook("ok-check", "Health check", `### A {#a}\n\n${fence("sh", 'echo a >> "$MARK"')}\n### B {#b}\n\n${fence("sh", 'echo b >> "$MARK"')}`),
      "runbooks/rollme.md": runbook("rollme", "Cache flush", `### Change {#change}\n\n${fence("sh", 'echo change >> "$MARK"')}${fence("sh rollback", 'echo undo >> "$MARK"')}\n### Boom {#boom}\n\n${fence("sh", 'echo "disk full on db-2" >&2; exit 3')}`),
      "runbooks/ab.md": runbook("ab", "Risky switch", `### Risky {#risky}\n\n${fence('sh confirm irreversible="a test"', 'echo risky >> "$MARK"')}`),
      "runbooks/kill.md": runbook("kill-me", "Database failover", killSteps(false), "  TOKEN: {secret: true}\n"),
      "runbooks/live.md": runbook("live-one", "Long migration", `### Wait {#wait}\n\n${fence("sh", 'touch "$MARK.live"; while [ ! -f "$MARK.release" ]; do sleep 0.05; done')}`),
    };
    for (const [f, t] of Object.entries(files)) await repo.write(f, t);
    await repo.write(".gitignore", "marks*\n");
    await repo.commit("runbooks", new Date(Date.now() - 72 * HOUR).toISOString());
    // In the window: kill.md gains a step; ok.md only its prose.
    await repo.write("runbooks/kill.md", runbook("kill-me", "Database failover", killSteps(true), "  TOKEN: {secret: true}\n"));
    await repo.write("runbooks/ok.md", files["runbooks/ok.md"]!.replace("# Health check", "# Health check\n\nRun it after every deploy."));
    await repo.commit("failover gets a third step", new Date(Date.now() - HOUR).toISOString());

    const env = { NO_COLOR: "1", CI: "true", RUNBOOK_OPERATOR: "alice", RUNBOOK_PARAM_MARK: mark, RUNBOOK_KILL_GRACE_MS: "500" };
    // In process; the runner that is killed and the one at a terminal below are processes.
    const cli = (args: string[], extra: Record<string, string> = {}) => runMain(args, { cwd: repo.dir, env: { ...env, ...extra } });
    const spawn = (args: string[]) => execa(process.execPath, [BIN, ...args], { cwd: repo.dir, env, reject: false, stdin: "ignore" });

    expect((await cli(["run", "runbooks/ok.md"])).exitCode).toBe(0);
    const rolled = await cli(["run", "runbooks/rollme.md", "--on-failure", "rollback"]);
    expect(rolled.exitCode, rolled.stderr).toBe(1);
    // Aborted at a confirmation, by a person at a terminal (a pty).
    const aborted = await execa("script", ["-qfec", `${process.execPath} ${BIN} run runbooks/ab.md --plain`, "/dev/null"], { cwd: repo.dir, env: { NO_COLOR: "1", RUNBOOK_OPERATOR: "carol", RUNBOOK_PARAM_MARK: mark, PATH: process.env.PATH! }, extendEnv: false, input: "a\n", reject: false });
    expect(aborted.exitCode, String(aborted.stdout)).toBe(3);
    const killed = spawn(["run", "runbooks/kill.md", "-p", `TOKEN=${SECRET}`]);
    // Killed once step two began and its first line of output is journaled (read from a pipe, it can lag the file).
    const journaled = () => readdirSync(path.join(repo.dir, ".runbook", "runs")).some((f) => f.includes("-kill-me-") && f.endsWith(".jsonl") && readFileSync(path.join(repo.dir, ".runbook", "runs", f), "utf8").includes("two starting"));
    await waitFor(() => existsSync(`${mark}.two`) && journaled(), 60_000);
    killed.kill("SIGKILL");
    await killed;
    const live = spawn(["run", "runbooks/live.md"]);
    await waitFor(() => existsSync(`${mark}.live`), 60_000);
    const ids = Object.fromEntries(readdirSync(path.join(repo.dir, ".runbook", "runs")).filter((f) => f.endsWith(".jsonl")).map((f) => [f.replace(/^\d{8}T\d{6}Z-(.*)-[0-9a-f]{4}\.jsonl$/, "$1"), f.slice(0, -".jsonl".length)]));
    const noted = await cli(["note", ids["kill-me"]!.slice(0, 26), "waiting on the DBA"], { RUNBOOK_OPERATOR: "bob" });
    expect(noted.exitCode, noted.stderr).toBe(0);
    // A note on a live run goes through its inbox: the runner journals it and shows it.
    const onLive = await cli(["note", ids["live-one"]!, "how is it going?"]);
    expect(onLive.exitCode, onLive.stderr).toBe(0);
    expect(onLive.stdout).toMatch(/its live runner \(pid \d+, alice\) journaled it and shows it/);

    const md = await cli(["handoff", "--format", "markdown"]);
    expect(md.exitCode, md.stderr).toBe(0);
    const section = (title: string) => md.stdout.split(/\n## /).find((s) => s.startsWith(title)) ?? "";
    const open = section("Open runs (3)");
    const item = (id: string) => open.split("\n- ").find((s) => s.startsWith(`\`${id}\``)) ?? "";
    const k = item(ids["kill-me"]!);
    expect(k).toContain("Database failover: interrupted");
    expect(k).toContain("at step: `two` (interrupted; 1 of 3 steps done)");
    expect(k).toMatch(/waiting for: someone to decide about step two/);
    expect(k).toContain(`resume: \`runbook resume ${ids["kill-me"]}\``);
    expect(k).toContain(`roll back: \`runbook rollback ${ids["kill-me"]}\``);
    expect(k).toMatch(/give again: TOKEN \(secret/);
    expect(k).toContain("--rerun-interrupted");
    expect(k).toMatch(/note: .*bob: waiting on the DBA/);
    expect(k).toContain("two starting");
    const l = item(ids["live-one"]!);
    expect(l).toContain("Long migration: live");
    expect(l).toMatch(new RegExp(`held by: alice@\\S+ \\(pid ${live.pid}\\)`));
    expect(l).not.toContain("resume:");
    const a = item(ids.ab!);
    expect(a).toContain("Risky switch: aborted");
    expect(a).toContain("next step: `risky`");
    const ended = section("Ended in the window (2)");
    expect(ended).toMatch(new RegExp(`\`${ids["ok-check"]}\` Health check: completed in `));
    expect(ended).toMatch(new RegExp(`\`${ids.rollme}\` Cache flush: rolled back in `));
    expect(section("Notes (2)")).toMatch(/bob: waiting on the DBA/);
    expect(section("Notes (2)")).toMatch(/alice: how is it going\?/);
    expect(l).toMatch(/note: .*alice: how is it going\?/);
    expect(section("Stale runbooks (5)")).toContain("`runbooks/kill.md` (kill-me)");
    const changed = section("Runbooks whose steps changed in the window (1)");
    expect(changed).toContain("`runbooks/kill.md` (kill-me): steps changed");
    expect(changed).toContain("failover gets a third step");
    expect(changed).not.toContain("ok.md");

    // No secret in any form of any report.
    const outputs = [md, await cli(["handoff", "--format", "text"]), await cli(["handoff", "--format", "json"]), await cli(["runs"]), await cli(["log", ids["kill-me"]!, "--format", "markdown"])];
    for (const o of outputs) expect(o.stdout + o.stderr).not.toContain(SECRET);
    expect(outputs[1]!.stdout).toMatch(/OPEN RUNS \(3\)/);
    expect(JSON.parse(outputs[2]!.stdout)).toMatchObject({ open: [{}, {}, {}], ended: [{}, {}], notes: expect.arrayContaining([expect.objectContaining({ by: "bob", text: "waiting on the DBA" }), expect.objectContaining({ by: "alice", text: "how is it going?" })]) });

    // The resume command the report prints works, given the secret it names and the answer it names.
    const command = /resume: `(runbook resume \S+)`/.exec(k)![1]!.split(" ").slice(1);
    const resumed = await cli([...command, "--rerun-interrupted"], { RUNBOOK_PARAM_TOKEN: SECRET, RUNBOOK_OPERATOR: "bob" });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stdout + resumed.stderr).not.toContain(SECRET);
    writeFileSync(`${mark}.release`, "");
    const liveDone = await live;
    expect(liveDone.exitCode).toBe(0);
    expect(String(liveDone.stdout)).toContain("✎ note from alice: how is it going?");
    expect(marks(mark).filter((m) => m === "one")).toHaveLength(1);
    expect(marks(mark).filter((m) => m === "three")).toHaveLength(1);

    // Stats, against figures computed by hand from the journals.
    const journal = (id: string) => readFileSync(path.join(repo.dir, ".runbook", "runs", `${id}.jsonl`), "utf8").trim().split("\n").map((x) => JSON.parse(x) as { type: string; ts: string; status?: string });
    const span = (id: string) => {
      const events = journal(id);
      const end = events.filter((e) => e.type === "run_finished").at(-1)!;
      return { status: end.status, ms: Date.parse(end.ts) - Date.parse(events[0]!.ts) };
    };
    const spans = Object.values(ids).map(span);
    const completedMs = spans.filter((x) => x.status === "completed").map((x) => x.ms).sort((x, y) => x - y);
    expect(completedMs).toHaveLength(3);
    const stats = await cli(["stats", "--format", "json"]);
    expect(stats.exitCode, stats.stderr).toBe(0);
    const all = (JSON.parse(stats.stdout) as { all: Record<string, unknown>; runbooks: Array<Record<string, unknown>> }).all;
    expect(all).toMatchObject({ runs: 5, ended: 5, completed: 3, failed: 0, aborted: 1, rolledBack: 1, open: 0, successRate: 3 / 5, rollbacks: 1, rollbackRate: 1 / 5, automatic: 2, automaticRate: 2 / 3 });
    expect(all.medianMs).toBe(completedMs[1]);
    expect(all.p90Ms).toBe(completedMs[2]);
    expect(percentile(completedMs, 0.5)).toBe(completedMs[1]);
    const table = await cli(["stats"]);
    expect(table.stdout).toMatch(/^all\s+5\s+60% \(3\/5\)/m);
  }, 240_000);
});
