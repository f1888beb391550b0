import { execa } from "execa";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, runCli } from "../helpers/cli.js";
import { gitRepo } from "../helpers/git.js";
import { waitFor } from "../helpers/runbooks.js";
import { sharedRepos, type Clone } from "../helpers/shared.js";
import { hasTmux, tmuxRequired, TmuxSession } from "../helpers/tmux.js";
import { signingKeys } from "../helpers/signing-keys.js";

// approvals.steps (docs/approvals.md): the run starts without a plan and stops before `promote` for
// one. Real SSH keys, a real allowed-signers file, real git (a bare remote and a clone per person).

const RUNBOOK = `---
id: deploy
owner: team-platform
params:
  TARGET_ENV: {enum: [staging, production]}
  MARK: {}
approvals: {required: 1, when: {TARGET_ENV: production}, steps: [promote]}
---
# Deploy

## Steps

### Scale {#scale}

\`\`\`sh
echo "scale $TARGET_ENV" >> "$MARK"
\`\`\`

### Promote {#promote}

\`\`\`sh
echo "promote $TARGET_ENV" >> "$MARK"
\`\`\`

### Smoke test {#smoke}

\`\`\`sh
echo "smoke $TARGET_ENV" >> "$MARK"
\`\`\`
`;

const CONFIG = "approvals:\n  allowed_signers: .github/runbook_allowed_signers\n";
const ALL = ["scale production", "promote production", "smoke production"];

const keys = () => signingKeys();

type Event = { type: string; target?: string; signal?: string; approvalAt?: string[]; approval?: unknown; plan?: string; requester?: string; approvers?: string[] };

async function team() {
  const k = await keys();
  const s = await sharedRepos({ "runbook.config.yaml": `share: {remote: origin, lease: 3s}\n${CONFIG}`, ".github/runbook_allowed_signers": k.allowed, "runbooks/deploy.md": RUNBOOK });
  const [alice, bob] = s.clones as [Clone, Clone];
  const marks = () => (existsSync(s.mark) ? readFileSync(s.mark, "utf8").trim().split("\n") : []);
  const request = async (clone: Clone, who: string) => {
    const r = await clone.run(["request", "runbooks/deploy.md", "-p", "TARGET_ENV=production", "--key", k.key(who)]);
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout.trim().split("\n").at(-1) ?? "";
  };
  const approve = async (clone: Clone, who: string, id: string) => {
    const r = await clone.run(["approve", id, "--key", k.key(who), "--yes"]);
    expect(r.exitCode, r.stderr).toBe(0);
  };
  const run = (clone: Clone, ...args: string[]) => clone.run(["run", "runbooks/deploy.md", "--yes", "--plain", ...args]);
  const events = async (clone: Clone, run = "last") => {
    const r = await clone.run(["log", run, "--format", "json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Event[];
  };
  const runIdOf = (text: string) => /run (\S+-deploy-\S+) stopped before promote/.exec(text)?.[1] ?? "";
  return { s, k, alice, bob, marks, request, approve, run, events, runIdOf };
}

describe("approvals.steps: the run waits before the named steps", () => {
  it("stops before promote without an approved plan (steps before it ran once, none after), then resumes with one", async () => {
    const { alice, bob, marks, request, approve, run, events, runIdOf } = await team();
    const dry = await alice.run(["run", "runbooks/deploy.md", "--dry-run", "-p", "TARGET_ENV=production"]);
    expect(dry.stderr).toContain("starts, and stops before promote for an approved plan for these values");

    const stopped = await run(alice, "-p", "TARGET_ENV=production");
    expect(stopped.exitCode).toBe(2);
    const runId = runIdOf(stopped.stderr);
    expect(runId, stopped.stderr).not.toBe("");
    expect(stopped.stderr).toContain("it needs an approved plan when TARGET_ENV is production before promote, signed by 1 person other than the requester");
    expect(stopped.stderr).toContain("runbook request runbooks/deploy.md -p TARGET_ENV=production");
    expect(stopped.stderr).toContain(`runbook resume ${runId} --plan <plan-id>`);
    expect(marks()).toEqual(["scale production"]);
    const first = await events(alice);
    expect(first[0]).toMatchObject({ type: "run_started", approvalAt: ["promote"] });
    expect(first[0]!.approval).toBeUndefined();
    expect(first.at(-1)).toMatchObject({ type: "run_interrupted", signal: "approval", target: "promote" });
    const handoff = await bob.run(["handoff"]);
    expect(handoff.stdout).toContain("waiting for: an approved plan before step promote (approvals.steps), then someone to resume it");
    expect(handoff.stdout).toContain(`approval: needed before \`promote\`, none verified yet: \`runbook resume ${runId} --plan <plan-id>\` once one is approved`);

    // --yes never passes it either, and a plan still pending does not.
    const id = await request(alice, "alice");
    const pending = await alice.run(["resume", runId, "--yes", "--plain"]);
    expect(pending.exitCode).toBe(2);
    expect(pending.stderr).toContain(`plan ${id} (requested by alice) does not allow it: it has 0 valid approvals by someone other than alice; it needs 1`);
    expect(marks()).toEqual(["scale production"]);

    await approve(bob, "bob", id);
    const resumed = await alice.run(["resume", runId, "--yes", "--plain", "--plan", id]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stdout + resumed.stderr).toContain(`approved plan ${id}: requested by alice, approved by bob; promote may begin`);
    expect(marks()).toEqual(ALL);
    const after = await events(alice, runId);
    const checked = after.filter((e) => e.type === "approval_checked");
    expect(checked).toEqual([expect.objectContaining({ target: "promote", plan: id, requester: "alice", approvers: ["bob"] })]);
    // Journaled before promote began.
    expect(after.findIndex((e) => e.type === "approval_checked")).toBeLessThan(after.findIndex((e) => e.type === "attempt_started" && e.target === "promote"));
    const listed = await bob.run(["approvals", "--format", "json"]);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id, state: "used" }]);
    const log = await alice.run(["log", runId]);
    expect(log.stdout).toContain("approval needed before promote: the run waits there for an approved plan");
    expect(log.stdout).toContain(`✔ approved plan ${id} verified before promote: requested by alice, approved by bob`);
    const markdown = await alice.run(["log", runId, "--format", "markdown"]);
    expect(markdown.stdout).toContain("- approval needed before `promote`: the run waits there for an approved plan");
    expect(markdown.stdout).toContain(`approved plan \`${id}\` verified before \`promote\`: requested by alice, approved by **bob**`);

    // Used by that run, it allows no other.
    const again = await run(bob, "-p", "TARGET_ENV=production", "--plan", id);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/it was used already, by run \S+-deploy-\S+ \(alice, /);
    expect(marks()).toEqual(ALL);

    // Staging needs none.
    const staging = await run(alice, "-p", "TARGET_ENV=staging");
    expect(staging.exitCode, staging.stderr).toBe(0);
    expect((await events(alice))[0]!.approvalAt).toBeUndefined();
  });

  it("with --plan from the start: verified up front, then again at promote, and journaled there", async () => {
    const { alice, bob, marks, request, approve, run, events } = await team();
    const id = await request(alice, "alice");
    const early = await run(alice, "-p", "TARGET_ENV=production", "--plan", id);
    expect(early.exitCode).toBe(2);
    expect(early.stderr).toContain("it has 0 valid approvals by someone other than alice; it needs 1");
    expect(marks()).toEqual([]);
    await approve(bob, "bob", id);
    const ok = await run(alice, "-p", "TARGET_ENV=production", "--plan", id);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(marks()).toEqual(ALL);
    const journal = await events(alice);
    expect(journal[0]).toMatchObject({ approvalAt: ["promote"], approval: { plan: id, approvers: ["bob"] } });
    expect(journal.filter((e) => e.type === "approval_checked")).toEqual([expect.objectContaining({ target: "promote", plan: id })]);
  });

  it("waits at promote (--wait-approval) until a second person approves, and Ctrl-C while waiting leaves the run resumable", async () => {
    const { k, alice, bob, marks, approve, events } = await team();
    const env = { ...alice.env, RUNBOOK_APPROVAL_POLL_MS: "200" };
    const args = ["run", "runbooks/deploy.md", "--yes", "--plain", "--wait-approval", "-p", "TARGET_ENV=production"];

    // Interrupted while it waits: nothing of promote ran; the run is resumable.
    const first = execa(process.execPath, [BIN, ...args], { cwd: alice.dir, env, reject: false, stdin: "ignore" });
    let err = "";
    first.stderr?.on("data", (b: Buffer) => (err += b.toString()));
    await waitFor(() => err.includes("waiting before promote for an approved plan")).catch((e: unknown) => {
      first.kill("SIGKILL");
      throw e;
    });
    expect(err).toContain("request one with `runbook request runbooks/deploy.md -p TARGET_ENV=production`");
    // No key of alice's to sign with here: the run says so, and waits for a plan requested by hand.
    expect(err).toContain("could not request a plan for this run itself: ");
    first.kill("SIGINT");
    const r1 = await first;
    expect(r1.exitCode, err).toBe(130);
    expect(marks()).toEqual(["scale production"]);
    expect((await events(alice)).at(-1)).toMatchObject({ type: "run_interrupted", target: "promote" });

    // Resumed with alice's key as git's signing key: the waiting run requests its own plan, and
    // goes on once someone else approves it.
    await execa("git", ["config", "user.signingkey", k.key("alice")], { cwd: alice.dir });
    const second = execa(process.execPath, [BIN, "resume", "last", "--yes", "--plain", "--wait-approval"], { cwd: alice.dir, env, reject: false, stdin: "ignore" });
    let err2 = "";
    second.stderr?.on("data", (b: Buffer) => (err2 += b.toString()));
    const r2 = await (async () => {
      await waitFor(() => /requested plan [0-9a-f]{16} for this run as alice/.test(err2));
      const id = /requested plan ([0-9a-f]{16})/.exec(err2)?.[1] ?? "";
      expect(err2).toContain(`ask someone else to approve it with \`runbook approve ${id}\``);
      await waitFor(() => err2.includes(`plan ${id} (requested by alice) does not allow it: it has 0 valid approvals`));
      expect(marks()).toEqual(["scale production"]);
      await approve(bob, "bob", id);
      return { ...(await second), id };
    })().catch((e: unknown) => {
      second.kill("SIGKILL");
      throw e;
    });
    const id = r2.id;
    expect(r2.exitCode, err2).toBe(0);
    expect(marks()).toEqual(ALL);
    expect((await events(alice)).filter((e) => e.type === "approval_checked")).toEqual([expect.objectContaining({ target: "promote", plan: id, approvers: ["bob"] })]);
  });
});

/** At the params review: TARGET_ENV (the first row) changed to production, then the run started. */
async function toProduction(t: TmuxSession): Promise<void> {
  await t.waitFor(/Check the params before the run starts/);
  // Home goes to the first row, Enter edits it, 2 picks its second choice; s starts the run.
  t.send("Home");
  t.send("Enter");
  t.send("2");
  await t.waitFor(/TARGET_ENV +production +edited/);
  t.send("s");
}

describe.skipIf(!hasTmux && !tmuxRequired)("approvals.steps in a real terminal (tmux)", () => {
  it("a value changed to production at the review before the start makes the run wait before promote; it goes on once bob approves", async () => {
    const { alice, bob, marks, request, approve, events } = await team();
    // The clone's environment but CI: a terminal is the point.
    const { CI: _ci, ...env } = alice.env;
    const t = new TmuxSession(["run", "runbooks/deploy.md", "-p", "TARGET_ENV=staging"], { cwd: alice.dir, env: { ...env, RUNBOOK_APPROVAL_POLL_MS: "200" } });
    try {
      await toProduction(t);
      await t.waitFor(/waiting before promote for an approved plan/);
      expect(marks()).toEqual(["scale production"]);
      const id = await request(alice, "alice");
      await approve(bob, "bob", id);
      await t.waitFor(/Run completed/);
      expect(await t.exitCode()).toBe(0);
      expect(marks()).toEqual(ALL);
      expect((await events(alice)).filter((e) => e.type === "approval_checked")).toEqual([expect.objectContaining({ target: "promote", plan: id, approvers: ["bob"] })]);
    } finally {
      t.kill();
    }
  });

  it("without steps: a value changed to production at the review is refused before anything runs", async () => {
    const k = await keys();
    const repo = await gitRepo();
    await repo.write("runbook.config.yaml", CONFIG);
    await repo.write(".github/runbook_allowed_signers", k.allowed);
    await repo.write("runbooks/deploy.md", RUNBOOK.replace(", steps: [promote]}", "}"));
    await repo.write(".gitignore", ".runbook/\nmarks\n");
    await repo.commit("runbooks");
    const mark = path.join(repo.dir, "marks");
    const t = new TmuxSession(["run", "runbooks/deploy.md", "-p", "TARGET_ENV=staging"], { cwd: repo.dir, env: { RUNBOOK_OPERATOR: "alice", RUNBOOK_PARAM_MARK: mark, GIT_CONFIG_NOSYSTEM: "1" } });
    try {
      await toProduction(t);
      await t.waitFor(/needs an approved plan when TARGET_ENV is production/);
      expect(await t.exitCode()).toBe(2);
      expect(existsSync(mark)).toBe(false);
      expect(existsSync(path.join(repo.dir, ".runbook", "runs"))).toBe(false);
    } finally {
      t.kill();
    }
  });
});

describe("approvals.steps without share: plans in .runbook/approvals/", () => {
  it("refuses at promote a plan approved by its requester alone; a crash after the approval resumes only with the same plan", async () => {
    const k = await keys();
    const repo = await gitRepo();
    await repo.write("runbook.config.yaml", CONFIG);
    await repo.write(".github/runbook_allowed_signers", k.allowed);
    await repo.write("runbooks/deploy.md", RUNBOOK);
    await repo.write(".gitignore", ".runbook/\nmarks\n");
    await repo.commit("runbooks");
    const mark = path.join(repo.dir, "marks");
    const marks = () => (existsSync(mark) ? readFileSync(mark, "utf8").trim().split("\n") : []);
    const env = { RUNBOOK_OPERATOR: "alice", RUNBOOK_PARAM_MARK: mark, GIT_CONFIG_NOSYSTEM: "1" };
    const cli = (...args: string[]) => runCli(args, { cwd: repo.dir, env });
    const stopped = await cli("run", "runbooks/deploy.md", "--yes", "--plain", "-p", "TARGET_ENV=production");
    expect(stopped.exitCode).toBe(2);
    const runId = /run (\S+-deploy-\S+) stopped before promote/.exec(stopped.stderr)?.[1] ?? "";
    expect(runId).not.toBe("");
    const req = await cli("request", "runbooks/deploy.md", "-p", "TARGET_ENV=production", "--key", k.key("alice"));
    expect(req.exitCode, req.stderr).toBe(0);
    const id = req.stdout.trim().split("\n").at(-1) ?? "";

    // alice signs her own plan as its approval (approve refuses that, so it is written by hand).
    const dir = path.join(repo.dir, ".runbook", "approvals", id);
    const signed = await execa("ssh-keygen", ["-Y", "sign", "-f", k.key("alice"), "-n", "runbook", "-q"], { input: readFileSync(path.join(dir, "plan.json")) });
    const sigs = JSON.parse(readFileSync(path.join(dir, "signatures.json"), "utf8")) as object[];
    writeFileSync(path.join(dir, "signatures.json"), JSON.stringify([...sigs, { role: "approval", principal: "alice", signature: signed.stdout, at: new Date().toISOString() }], null, 2));
    for (const extra of [["--plan", id], []]) {
      const self = await cli("resume", runId, "--yes", "--plain", ...extra);
      expect(self.exitCode).toBe(2);
      expect(self.stderr).toContain("alice approved their own request: a second person must approve");
      expect(marks()).toEqual(["scale production"]);
    }

    // bob's approval instead; the runner is killed right after it journaled the approval (its 2nd
    // write of this session: run_resumed, approval_checked), before promote began.
    writeFileSync(path.join(dir, "signatures.json"), JSON.stringify(sigs, null, 2));
    expect((await cli("approve", id, "--key", k.key("bob"), "--yes")).exitCode).toBe(0);
    const crashed = await runCli(["resume", runId, "--yes", "--plain", "--plan", id], { cwd: repo.dir, env: { ...env, RUNBOOK_TEST_CRASH_AFTER_WRITE: "2" } });
    expect(crashed.exitCode).not.toBe(0);
    expect(marks()).toEqual(["scale production"]);
    const journal = readFileSync(path.join(repo.dir, ".runbook", "runs", `${runId}.jsonl`), "utf8");
    expect(journal).toContain('"type":"approval_checked"');

    // The approval counts for this run only with the same plan, and only while no other run used it.
    const other = await cli("resume", runId, "--yes", "--plain", "--plan", "0123456789abcdef");
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toContain(`run ${runId} was approved with plan ${id}; --plan 0123456789abcdef is another plan`);
    const used = readFileSync(path.join(dir, "used.json"), "utf8");
    expect(JSON.parse(used)).toMatchObject({ runId });
    writeFileSync(path.join(dir, "used.json"), used.replace(runId, "20260101T000000Z-deploy-other"));
    const stolen = await cli("resume", runId, "--yes", "--plain");
    expect(stolen.exitCode).toBe(2);
    expect(stolen.stderr).toContain("it was used already, by run 20260101T000000Z-deploy-other");
    expect(marks()).toEqual(["scale production"]);

    writeFileSync(path.join(dir, "used.json"), used);
    const resumed = await cli("resume", runId, "--yes", "--plain");
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(marks()).toEqual(ALL);
    const events = readFileSync(path.join(repo.dir, ".runbook", "runs", `${runId}.jsonl`), "utf8");
    expect(events.match(/"type":"approval_checked"/g)).toHaveLength(1);
  });
});
