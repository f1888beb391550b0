import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { git, gitBytes, gitOk, gitStream, repoAt } from "../../src/system/git.js";
import { tempDir } from "../helpers/tmp.js";

// The one git adapter, against a real repository in a temp folder.
async function repo(): Promise<string> {
  const dir = await tempDir();
  await execa("git", ["init", "-q", dir]);
  await execa("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "first"], { cwd: dir });
  return dir;
}

describe("system/git: every git call of the tool", () => {
  it("a failing command gives its exit code and stderr, never an exception", async () => {
    const dir = await repo();
    const r = await git(dir, ["rev-parse", "--verify", "--quiet", "nope^{commit}"]);
    expect(r).toMatchObject({ code: 1, stdout: "", timedOut: false });
    const bad = await git(dir, ["no-such-command"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/no-such-command/);
    // A folder that is not there: git cannot start, and that is a result too.
    expect((await git(`${dir}/missing`, ["status"])).code).toBe(-1);
  });

  it("plumbing fed on stdin (update-ref --stdin, cat-file --batch) works, and gitOk says which command failed", async () => {
    const dir = await repo();
    const head = (await gitOk(dir, ["rev-parse", "HEAD"])).trim();
    await gitOk(dir, ["update-ref", "-m", "test", "--stdin"], { input: `update refs/runbook/runs/x ${head}\n` });
    expect((await gitOk(dir, ["for-each-ref", "--format=%(refname) %(objectname)", "refs/runbook/"])).trim()).toBe(`refs/runbook/runs/x ${head}`);
    // Bytes stay bytes: a blob with multi-byte characters has the length its header says.
    const blob = (await gitOk(dir, ["hash-object", "-w", "--stdin"], { input: "héllo ✓\n" })).trim();
    const out = (await gitBytes(dir, ["cat-file", "--batch"], { input: `${blob}\n` })).stdout;
    const nl = out.indexOf(10);
    expect(out.subarray(0, nl).toString()).toBe(`${blob} blob ${Buffer.byteLength("héllo ✓\n")}`);
    expect(out.subarray(nl + 1, nl + 1 + Buffer.byteLength("héllo ✓\n")).toString()).toBe("héllo ✓\n");
    await expect(gitOk(dir, ["update-ref", "--stdin"], { input: "update refs/x not-a-sha\n" })).rejects.toThrow(/^git update-ref failed: fatal: /);
    // No input, or an empty one, is the end of stdin, never a pipe left open: an empty tree, at once.
    expect((await gitOk(dir, ["mktree"], { input: "" })).trim()).toBe("4b825dc642cb6eb9a060e54bf8d69288fbee4904");
    expect((await gitOk(dir, ["mktree"])).trim()).toBe("4b825dc642cb6eb9a060e54bf8d69288fbee4904");
  });

  it("the user's environment reaches git (config from the environment, as an ssh command would), and git never prompts", async () => {
    const dir = await repo();
    const env = { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "runbook.test", GIT_CONFIG_VALUE_0: "from-env" };
    expect((await gitOk(dir, ["config", "--get", "runbook.test"], { env })).trim()).toBe("from-env");
    const prompt = await git(dir, ["-c", "alias.show-env=!printf %s \"$GIT_TERMINAL_PROMPT\"", "show-env"]);
    expect(prompt.stdout).toBe("0");
  });

  it("a command silent on stderr for longer than the idle timeout is given up on; one that ends in time is not", async () => {
    const dir = await repo();
    const r = await git(dir, ["-c", "alias.hang=!sleep 1", "hang"], { idleTimeoutMs: 100 });
    // git is stopped at once; the result comes when its child (here sleep, in life ssh) lets go of stderr, as with execa before.
    expect(r).toMatchObject({ timedOut: true, code: -1 });
    expect(await git(dir, ["-c", "alias.hang=!sleep 1", "hang"], { idleTimeoutMs: 10_000 })).toMatchObject({ timedOut: false, code: 0 });
  });

  it("porcelain through repoAt, and a streamed cat-file through gitStream", async () => {
    const dir = await repo();
    expect(await repoAt(dir).checkIsRepo()).toBe(true);
    const child = gitStream(dir, ["cat-file", "--batch-check"], { stderr: "ignore" });
    child.stdin.end("HEAD\n");
    let out = "";
    for await (const c of child.stdout as AsyncIterable<Buffer>) out += c.toString();
    expect(out).toMatch(/^[0-9a-f]{40} commit \d+\n$/);
  });
});
