import { execa } from "execa";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { markingRunbook, sharedRepos, type Clone } from "../helpers/shared.js";
import { signingKeys } from "../helpers/signing-keys.js";

// Signed history (issue 21, item 7): real ssh-keygen keys for three people, a real allowed-signers
// file, a bare remote and clones. alice and bob are in the file; carol (who can push) is not.

const git = (cwd: string, args: readonly string[], o: { input?: string | Buffer } = {}) => execa("git", args, { cwd, env: { GIT_CONFIG_NOSYSTEM: "1" }, ...(o.input !== undefined ? { input: o.input } : {}), encoding: "buffer", reject: false });
const text = async (cwd: string, args: readonly string[], o: { input?: string | Buffer } = {}) => {
  const r = await git(cwd, args, o);
  expect(r.exitCode, Buffer.from(r.stderr).toString()).toBe(0);
  return Buffer.from(r.stdout).toString().trim();
};

const keys = () => signingKeys("runbook,git");

async function team() {
  const k = await keys();
  const s = await sharedRepos(
    {
      "runbook.config.yaml": "share: {remote: origin, lease: 3s}\napprovals:\n  allowed_signers: .github/runbook_allowed_signers\n",
      ".github/runbook_allowed_signers": k.allowed,
      "runbooks/drain.md": markingRunbook("drain", [{ id: "cordon" }, { id: "drain" }]),
    },
    { operators: ["alice", "bob", "carol", "dave"] },
  );
  const [alice, bob, carol, dave] = s.clones as [Clone, Clone, Clone, Clone];
  for (const [c, who] of [[alice, "alice"], [bob, "bob"], [carol, "carol"]] as const) await text(c.dir, ["config", "user.signingkey", k.key(who)]);
  return { s, k, alice, bob, carol, dave };
}

describe("signed history: journal commits signed by the operator, verified by runs, log and share status", () => {
  it("an honest run is verified; rewritten and re-signed by an outsider, or changed under its signature, it is flagged", async () => {
    const { s, k, alice, bob, carol, dave } = await team();
    const ran = await alice.run(["run", "runbooks/drain.md", "--yes", "--plain"]);
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(ran.stderr).not.toContain("not signed");
    const runId = /Run (\S+) of drain/.exec(ran.stdout)?.[1] ?? /run ([0-9a-z-]+)/i.exec(ran.stdout)?.[1] ?? "";
    const tip = await text(alice.dir, ["rev-parse", `refs/runbook/runs/${runId}`]);
    expect(tip).toMatch(/^[0-9a-f]{40}$/);

    // git itself verifies the commits the runner signed (gpg.format ssh, namespace git).
    const allowedFile = path.join(alice.dir, ".github/runbook_allowed_signers");
    const gitSays = await git(alice.dir, ["-c", `gpg.ssh.allowedSignersFile=${allowedFile}`, "verify-commit", tip]);
    expect(gitSays.exitCode, Buffer.from(gitSays.stderr).toString()).toBe(0);
    expect(Buffer.from(gitSays.stderr).toString()).toContain('Good "git" signature for alice');
    // So are the lock commits on the remote: every one of the runbook's lock chain (held, renewed, released).
    const locks = (await text(s.remote, ["rev-list", "refs/runbook/locks/drain"])).split("\n").filter(Boolean);
    expect(locks.length).toBeGreaterThanOrEqual(2);
    for (const lock of locks) {
      const says = await git(s.remote, ["-c", `gpg.ssh.allowedSignersFile=${allowedFile}`, "verify-commit", lock]);
      expect(Buffer.from(says.stderr).toString()).toContain('Good "git" signature for alice');
    }

    // bob sees it verified, in every view.
    const runs = await bob.run(["runs"]);
    expect(runs.exitCode, runs.stderr).toBe(0);
    expect(runs.stdout).toMatch(/HISTORY/);
    expect(runs.stdout).toContain("verified (alice)");
    const log = await bob.run(["log", runId]);
    expect(log.stdout).toMatch(/^history: verified: \d+ commits signed by alice$/m);
    const status = await bob.run(["share", "status"]);
    expect(status.stdout).toContain("Signed histories: 1 verified, 0 FLAGGED");
    const json = JSON.parse((await bob.run(["runs", "--format", "json"])).stdout) as Array<{ history: { status: string; signers: string[] } }>;
    expect(json[0]?.history).toMatchObject({ status: "verified", signers: ["alice"] });

    // carol, who can push but is not in the allowed signers, rewrites the run: the last segment of its
    // journal (the drain step) is dropped, in one new commit signed with her own key, force-pushed.
    await text(carol.dir, ["fetch", "-q", "origin", `+refs/runbook/runs/${runId}:refs/heads/victim`]);
    const entries = (await text(carol.dir, ["ls-tree", "victim"])).split("\n");
    const tree = await text(carol.dir, ["mktree"], { input: `${entries.slice(0, -1).join("\n")}\n` });
    const forged = await text(carol.dir, ["-c", "gpg.format=ssh", "commit-tree", `-S${k.key("carol")}`, tree, "-m", `runbook run ${runId}: 3 events by alice@host [bytes 1]`]);
    await text(carol.dir, ["push", "-q", "--force", "origin", `${forged}:refs/runbook/runs/${runId}`]);

    // bob had fetched the honest history: told it was rewritten, and the remote's version is flagged.
    const afterBob = await bob.run(["runs"]);
    expect(afterBob.exitCode, afterBob.stderr).toBe(0);
    expect(afterBob.stderr).toContain(`run ${runId}'s history on origin was rewritten`);
    expect(afterBob.stdout).toMatch(/FLAGGED:/);
    const carolKey = await k.fingerprint("carol");
    expect(afterBob.stdout).toContain(`${runId}  history FLAGGED (unknown key): commit ${forged.slice(0, 12)} is signed by ${carolKey}, a key not in .github/runbook_allowed_signers`);

    // dave never saw the honest history: only the signature can tell him, and it does; nothing crashes.
    const fresh = await dave.run(["runs"]);
    expect(fresh.exitCode, fresh.stderr).toBe(0);
    expect(fresh.stdout).toContain(`${runId}  history FLAGGED (unknown key): commit ${forged.slice(0, 12)}`);
    const freshLog = await dave.run(["log", runId]);
    expect(freshLog.exitCode, freshLog.stderr).toBe(0);
    expect(freshLog.stdout.split("\n")[0]).toBe(`history: FLAGGED (unknown key): commit ${forged.slice(0, 12)} is signed by ${carolKey}, a key not in .github/runbook_allowed_signers`);
    const md = await dave.run(["log", runId, "--format", "markdown"]);
    expect(md.stdout.startsWith("> [!CAUTION]\n> **History FLAGGED (unknown key)")).toBe(true);
    const daveStatus = await dave.run(["share", "status"]);
    expect(daveStatus.stdout).toContain("Signed histories: 0 verified, 1 FLAGGED");

    // alice's own signature kept on bytes carol changed (a commit message edited): a bad signature.
    const raw = Buffer.from((await git(carol.dir, ["cat-file", "commit", tip])).stdout).toString("latin1");
    const edited = raw.replace(/\n\nrunbook run /, "\n\nrunbook run (edited) ");
    expect(edited).not.toBe(raw);
    const tampered = await text(carol.dir, ["hash-object", "-t", "commit", "-w", "--stdin"], { input: Buffer.from(edited, "latin1") });
    await text(carol.dir, ["push", "-q", "--force", "origin", `${tampered}:refs/runbook/runs/${runId}`]);
    const bad = await dave.run(["runs"]);
    expect(bad.exitCode, bad.stderr).toBe(0);
    expect(bad.stdout).toContain(`history FLAGGED (bad signature): commit ${tampered.slice(0, 12)}'s signature by alice does not verify`);
  }, 120_000);

  it("a key the allowed signers give namespace runbook only is named, with the fix; a runner with no key goes on, unsigned and flagged", async () => {
    const { k, alice, bob } = await team();
    // A runner whose configured key is gone: the run is not stopped, it says so once.
    await text(alice.dir, ["config", "user.signingkey", path.join(k.dir, "nobody")]);
    const ran = await alice.run(["run", "runbooks/drain.md", "--yes", "--plain"]);
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(ran.stderr.match(/this run's journal commits are not signed/g)).toHaveLength(1);
    const runs = await bob.run(["runs"]);
    expect(runs.stdout).toContain("FLAGGED: unsigned");
    expect(runs.stdout).toMatch(/history FLAGGED \(unsigned\): commit [0-9a-f]{12} is not signed/);

    // bob's line restricted to namespace runbook (as for approvals alone): his commits are named, with the fix.
    const allowed = readFileSync(path.join(bob.dir, ".github/runbook_allowed_signers"), "utf8").replace(/^bob namespaces="runbook,git"/m, 'bob namespaces="runbook"');
    await text(bob.dir, ["config", "user.signingkey", k.key("bob")]);
    writeFileSync(path.join(bob.dir, ".github/runbook_allowed_signers"), allowed);
    await text(bob.dir, ["commit", "-q", "-am", "bob: runbook only"]);
    const second = await bob.run(["run", "runbooks/drain.md", "--yes", "--plain"]);
    expect(second.exitCode, second.stderr).toBe(0);
    const seen = await bob.run(["runs"]);
    expect(seen.stdout).toContain("FLAGGED: namespace");
    expect(seen.stdout).toContain(`which .github/runbook_allowed_signers allows for namespace "runbook" only: add git to its namespaces`);
  }, 120_000);
});
