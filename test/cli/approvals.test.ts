import { execa } from "execa";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "../helpers/cli.js";
import { gitRepo } from "../helpers/git.js";
import { sharedRepos, type Clone } from "../helpers/shared.js";
import { signingKeys } from "../helpers/signing-keys.js";

// Real SSH keys, a real allowed-signers file, real git: a bare remote and one clone per person.

const RUNBOOK = `---
id: deploy
owner: team-platform
params:
  TARGET_ENV: {enum: [staging, production]}
  REPLICAS: {default: "3", pattern: "[0-9]+"}
  MARK: {}
approvals: {required: 1, when: {TARGET_ENV: production}}
---
# Deploy

## Steps

### Scale {#scale}

\`\`\`sh
echo "scale $TARGET_ENV $REPLICAS" >> "$MARK"
\`\`\`

### Promote {#promote}

\`\`\`sh
echo "promote $TARGET_ENV" >> "$MARK"
\`\`\`
`;

const CONFIG = "approvals:\n  allowed_signers: .github/runbook_allowed_signers\n";

const keys = () => signingKeys();

async function team() {
  const k = await keys();
  const s = await sharedRepos({
    "runbook.config.yaml": `share: {remote: origin, lease: 3s}\n${CONFIG}`,
    ".github/runbook_allowed_signers": k.allowed,
    "runbooks/deploy.md": RUNBOOK,
  });
  const [alice, bob] = s.clones as [Clone, Clone];
  const marks = () => (existsSync(s.mark) ? readFileSync(s.mark, "utf8").trim().split("\n") : []);
  const request = async (clone: Clone, who: string, ...args: string[]) => {
    const r = await clone.run(["request", "runbooks/deploy.md", "-p", "TARGET_ENV=production", "--key", k.key(who), ...args]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.exitCode, r.stderr).toBe(0);
    const id = r.stdout.trim().split("\n").at(-1) ?? "";
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    return { id, out: r.stdout };
  };
  const approve = (clone: Clone, who: string, id: string) => clone.run(["approve", id, "--key", k.key(who), "--yes"]);
  const run = (clone: Clone, ...args: string[]) => clone.run(["run", "runbooks/deploy.md", "--yes", "--plain", ...args]);
  return { s, k, alice, bob, marks, request, approve, run };
}

describe("approvals: a two-person rule through the git remote", () => {
  it("refuses a production run without a plan (exit 2, with the request command); staging needs none", async () => {
    const { alice, marks, run } = await team();
    const refused = await run(alice, "-p", "TARGET_ENV=production");
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("runbooks/deploy.md needs an approved plan when TARGET_ENV is production");
    expect(refused.stderr).toContain("runbook request runbooks/deploy.md -p TARGET_ENV=production");
    expect(marks()).toEqual([]);
    const dry = await alice.run(["run", "runbooks/deploy.md", "--dry-run", "-p", "TARGET_ENV=production"]);
    expect(dry.exitCode).toBe(0);
    expect(dry.stderr).toContain("`runbook run` needs an approved plan for these values (docs/approvals.md)");
    const staging = await run(alice, "-p", "TARGET_ENV=staging");
    expect(staging.exitCode, staging.stderr).toBe(0);
    expect(marks()).toEqual(["scale staging 3", "promote staging"]);
  });

  it("request in one clone, approve in another, run once: self-approval, an outsider, a double approval and a second use refused", async () => {
    const { alice, bob, marks, request, approve, run } = await team();
    const { id, out } = await request(alice, "alice");
    expect(out).toContain("**Approval requested** for `runbooks/deploy.md` (`deploy`) by **alice**");
    expect(out).toContain("`REPLICAS=3`, `TARGET_ENV=production`");

    const self = await approve(alice, "alice", id);
    expect(self.exitCode).toBe(2);
    expect(self.stderr).toContain(`alice requested plan ${id}: a second person must approve it`);

    const outsider = await approve(bob, "carol", id);
    expect(outsider.exitCode).toBe(2);
    expect(outsider.stderr).toContain("is not in .github/runbook_allowed_signers at the plan's commit");

    const early = await run(alice, "--plan", id);
    expect(early.exitCode).toBe(2);
    expect(early.stderr).toContain("it has 0 valid approvals by someone other than alice; it needs 1");

    const ok = await approve(bob, "bob", id);
    // The approver reads the plan exactly as \`run --dry-run\` prints it with the plan's params.
    const dry = await bob.run(["run", "runbooks/deploy.md", "--dry-run", "-p", "TARGET_ENV=production", "-p", "REPLICAS=3"]);
    expect(dry.stdout).toContain("Steps, in order:");
    expect(ok.stdout).toContain(dry.stdout);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`Approved plan ${id} as bob (1 of 1).`);
    const noTerminal = await bob.run(["approve", id, "--key", "unused"]);
    expect(noTerminal.exitCode).toBe(2);
    expect(noTerminal.stderr).toContain("approve needs a terminal to type the plan id into, or --yes");
    const twice = await approve(bob, "bob", id);
    expect(twice.exitCode).toBe(2);
    expect(twice.stderr).toContain(`bob approved plan ${id} already`);

    const ran = await run(alice, "--plan", id);
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(ran.stdout).toContain(`approved plan ${id}: requested by alice, approved by bob`);
    expect(marks()).toEqual(["scale production 3", "promote production"]);

    // Used once, wherever it is tried next.
    for (const clone of [alice, bob]) {
      const again = await run(clone, "--plan", id);
      expect(again.exitCode).toBe(2);
      expect(again.stderr).toMatch(/it was used already, by run \S+-deploy-\S+ \(alice, /);
    }
    expect(marks()).toHaveLength(2);

    const listed = await bob.run(["approvals", "--format", "json"]);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id, state: "used", requester: "alice", approvers: ["bob"] }]);
    const log = await alice.run(["log", "last", "--format", "markdown"]);
    expect(log.stdout).toContain(`- approved plan \`${id}\`: requested by alice, approved by bob`);
    const journal = await alice.run(["log", "last", "--format", "json"]);
    const started = (JSON.parse(journal.stdout) as Array<{ type: string; approval?: unknown }>)[0];
    expect(started).toMatchObject({ type: "run_started", approval: { plan: id, requester: "alice", approvers: ["bob"] } });
  });

  it("refuses a run whose params differ from the plan, naming each difference", async () => {
    const { alice, bob, marks, request, approve, run } = await team();
    const { id } = await request(alice, "alice");
    expect((await approve(bob, "bob", id)).exitCode).toBe(0);
    const r = await run(alice, "--plan", id, "-p", "REPLICAS=5");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('differs from the run: param REPLICAS: approved "3", given "5"');
    expect(r.stderr).toContain(`plan ${id} does not allow this run (1 problem, listed above); nothing ran`);
    expect(marks()).toEqual([]);
    // Refused before it was used: the plan as approved still runs.
    expect((await run(alice, "--plan", id)).exitCode).toBe(0);
  });

  it("refuses a plan whose runbook was edited and committed after approval", async () => {
    const { alice, bob, marks, request, approve, run } = await team();
    const { id } = await request(alice, "alice");
    expect((await approve(bob, "bob", id)).exitCode).toBe(0);
    const file = path.join(alice.dir, "runbooks/deploy.md");
    writeFileSync(file, readFileSync(file, "utf8").replace('echo "promote', 'echo "promote --force'));
    await execa("git", ["commit", "-qam", "promote harder"], { cwd: alice.dir });
    const r = await run(alice, "--plan", id);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/runbook content: approved sha256 [0-9a-f]{12} \(commit [0-9a-f]{12}\), the file now has [0-9a-f]{12}: it was edited after approval/);
    expect(marks()).toEqual([]);
  });

  it("refuses uncommitted runbooks at request, and expired plans at approve and run", async () => {
    const { alice, bob, marks, request, approve, run, k } = await team();
    const file = path.join(alice.dir, "runbooks/deploy.md");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, `${text}\n`);
    const dirty = await alice.run(["request", "runbooks/deploy.md", "-p", "TARGET_ENV=production", "--key", k.key("alice")]);
    expect(dirty.exitCode).toBe(2);
    expect(dirty.stderr).toContain("runbooks/deploy.md has uncommitted changes: an approver must be able to read exactly what will run");
    writeFileSync(file, text);
    // A commit only the requester has (it could add a second key of theirs to the allowed signers) never counts.
    writeFileSync(path.join(alice.dir, "notes.txt"), "local\n");
    await execa("git", ["add", "notes.txt"], { cwd: alice.dir });
    await execa("git", ["commit", "-qm", "local only"], { cwd: alice.dir });
    const unpushed = await alice.run(["request", "runbooks/deploy.md", "-p", "TARGET_ENV=production", "--key", k.key("alice")]);
    expect(unpushed.exitCode).toBe(2);
    expect(unpushed.stderr).toMatch(/is at a commit the remote's default branch does not have: commit [0-9a-f]{12} is not on origin\/main/);
    await execa("git", ["push", "-q", "origin", "main"], { cwd: alice.dir });

    const { id } = await request(alice, "alice", "--expires", "1s");
    // Wait for the state, not a fixed time.
    for (let state = ""; state !== "expired"; ) {
      const listed = await alice.run(["approvals", "--format", "json"]);
      state = (JSON.parse(listed.stdout) as Array<{ state: string }>)[0]?.state ?? "";
    }
    const late = await approve(bob, "bob", id);
    expect(late.exitCode).toBe(2);
    expect(late.stderr).toContain(`plan ${id} expired at`);
    const r = await run(alice, "--plan", id);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/ {2}it expired at \d{4}-/);
    expect(marks()).toEqual([]);
  });

  it("journals break glass, shows it in red and in log --format markdown, and counts it in stats", async () => {
    const { alice, marks, run } = await team();
    const r = await run(alice, "-p", "TARGET_ENV=production", "--break-glass", "primary down, approver unreachable (INC-42)");
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain("BREAK GLASS: no approval; primary down, approver unreachable (INC-42)");
    expect(marks()).toEqual(["scale production 3", "promote production"]);
    const log = await alice.run(["log", "last", "--format", "markdown"]);
    expect(log.stdout).toContain("> [!CAUTION]\n> **BREAK GLASS**: run without the approval this runbook needs, by alice: primary down, approver unreachable (INC-42)");
    const stats = await alice.run(["stats", "--format", "json"]);
    expect(JSON.parse(stats.stdout)).toMatchObject({ runbooks: [{ runbook: "deploy", breakGlass: 1 }], all: { breakGlass: 1 } });
    // Every report says so, in red in a terminal: log, runs (STATE, and JSON), handoff.
    const red = "\u001b[31m";
    const text = await alice.run(["log", "last"], { NO_COLOR: "", FORCE_COLOR: "1" });
    expect(text.stdout).toContain(`${red}\u001b[1mBREAK GLASS: run without the approval this runbook needs: primary down, approver unreachable (INC-42)`);
    const runs = await alice.run(["runs"], { NO_COLOR: "", FORCE_COLOR: "1" });
    expect(runs.stdout).toMatch(new RegExp(`completed.*\n.*${red.replace("[", "\\[")}\u001b\\[1mBREAK GLASS`));
    const plain = await alice.run(["runs"]);
    expect(plain.stdout).toMatch(/completed.*\n.* BREAK GLASS/);
    expect(JSON.parse((await alice.run(["runs", "--format", "json"])).stdout)).toMatchObject([{ breakGlass: "primary down, approver unreachable (INC-42)" }]);
    expect((await alice.run(["handoff"])).stdout).toContain("BREAK GLASS");
    const empty = await alice.run(["run", "runbooks/deploy.md", "--break-glass", " "]);
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toContain("--break-glass needs a reason");
  });
});

describe("approvals without share: plans in .runbook/approvals/", () => {
  it("refuses a forged signature and a forged plan (bytes changed)", async () => {
    const k = await keys();
    const repo = await gitRepo();
    await repo.write("runbook.config.yaml", CONFIG);
    await repo.write(".github/runbook_allowed_signers", k.allowed);
    await repo.write("runbooks/deploy.md", RUNBOOK);
    await repo.write(".gitignore", ".runbook/\n");
    await repo.commit("runbooks");
    const mark = path.join(repo.dir, "marks");
    const env = { RUNBOOK_OPERATOR: "alice", RUNBOOK_PARAM_MARK: mark, GIT_CONFIG_NOSYSTEM: "1" };
    const cli = (...args: string[]) => runMain(args, { cwd: repo.dir, env });
    const req = await cli("request", "runbooks/deploy.md", "-p", "TARGET_ENV=production", "--key", k.key("alice"));
    expect(req.exitCode, req.stderr).toBe(0);
    const id = req.stdout.trim().split("\n").at(-1) ?? "";
    expect((await cli("approve", id, "--key", k.key("bob"), "--yes")).exitCode).toBe(0);
    const dir = path.join(repo.dir, ".runbook", "approvals", id);
    const sigs = readFileSync(path.join(dir, "signatures.json"), "utf8");
    const plan = readFileSync(path.join(dir, "plan.json"), "utf8");

    // One character of bob's signature changed.
    const parsed = JSON.parse(sigs) as Array<{ principal: string; signature: string }>;
    const bob = parsed.find((s) => s.principal === "bob")!;
    const lines = bob.signature.split("\n");
    const body = lines[3]!;
    lines[3] = body.slice(0, 10) + (body[10] === "A" ? "B" : "A") + body.slice(11);
    bob.signature = lines.join("\n");
    writeFileSync(path.join(dir, "signatures.json"), JSON.stringify(parsed, null, 2));
    const forgedSig = await cli("run", "runbooks/deploy.md", "--plan", id, "--yes", "--plain");
    expect(forgedSig.exitCode).toBe(2);
    expect(forgedSig.stderr).toContain("the approval signed as bob does not verify under .github/runbook_allowed_signers");
    expect(forgedSig.stderr).toContain("it has 0 valid approvals by someone other than alice; it needs 1");

    // The signatures as they were, the plan's bytes changed: every signature and the id stop matching.
    writeFileSync(path.join(dir, "signatures.json"), sigs);
    writeFileSync(path.join(dir, "plan.json"), plan.replace('"REPLICAS": "3"', '"REPLICAS": "30"'));
    const forgedPlan = await cli("run", "runbooks/deploy.md", "--plan", id, "--yes", "--plain", "-p", "REPLICAS=30");
    expect(forgedPlan.exitCode).toBe(2);
    expect(forgedPlan.stderr).toContain(`the plan's bytes do not hash to its id ${id}`);
    expect(forgedPlan.stderr).toContain("the requester alice's signature does not verify");
    expect(existsSync(mark)).toBe(false);

    // Untouched, it runs.
    writeFileSync(path.join(dir, "plan.json"), plan);
    const ok = await cli("run", "runbooks/deploy.md", "--plan", id, "--yes", "--plain");
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(readFileSync(mark, "utf8")).toBe("scale production 3\npromote production\n");
  });
});
