import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/runbooks.js";
import { liveRunId, sharedRepos } from "../helpers/shared.js";
import { hasTmux, tmuxRequired, TmuxSession } from "../helpers/tmux.js";

/**
 * A runbook whose every step first writes "<step> <operator>" to $MARK (at its start, on whichever
 * clone runs it), so a test sees what ran where; step `two` then waits for `$MARK.go`. Step `four`
 * asks for a confirmation when `confirmFour`.
 */
function handoverRunbook(confirmFour = false): string {
  const step = (id: string, extra = "", info = "sh") => `### ${id} {#${id}}\n\n\`\`\`${info}\necho "${id} $RUNBOOK_OPERATOR" >> "$MARK"\n${extra}\n\`\`\`\n`;
  return [
    "---\nid: handover\nowner: team-test\nparams:\n  MARK: {}\nenv: [RUNBOOK_OPERATOR]\n---\n# handover runbook\n\n## Steps\n",
    step("one"),
    step("two", 'while [ ! -f "$MARK.go" ]; do sleep 0.05; done'),
    step("three"),
    step("four", "", confirmFour ? "sh confirm" : "sh") + (confirmFour ? "\n```sh rollback\ntrue\n```\n" : ""),
    step("five"),
  ].join("\n");
}

const marks = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : []);
const POLL = { RUNBOOK_SHARE_NOTES_POLL_MS: "200" };

/** Each step ran exactly once, in order, the first ones by `before`, the rest by `after`. */
function ranOnceEach(mark: string, before: string, after: string, handedAt: number): void {
  const ids = ["one", "two", "three", "four", "five"];
  expect(marks(mark)).toEqual(ids.map((id, i) => `${id} ${i < handedAt ? before : after}`));
}

const sessions: TmuxSession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});

describe("handing a live shared run over (runbook handover / release)", () => {
  it("a plain runner with --allow-handover hands over at the next step boundary; bob resumes at once with a 2-minute lease; carol is refused; each step ran exactly once", async () => {
    const s = await sharedRepos({ "runbooks/h.md": handoverRunbook() }, { operators: ["alice", "bob", "carol"], lease: "2m" });
    const [alice, bob, carol] = s.clones;
    // The team's chat, on 127.0.0.1: alice's runner tells it that a handover was asked.
    const posts: Array<{ text: string }> = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        posts.push(JSON.parse(body) as { text: string });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    appendFileSync(path.join(alice!.dir, "runbook.config.yaml"), `notify:\n  - {url: "http://127.0.0.1:${port}/hook", format: slack, on: [handover]}\n`);
    const runner = alice!.spawn(["run", "runbooks/h.md", "--plain", "--yes", "--allow-handover"], POLL);
    let out = "";
    runner.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    const runId = await liveRunId(bob!);
    await waitFor(() => marks(s.mark).includes("two alice"));

    const asked = await bob!.run(["handover", runId, "--message", "my shift now"]);
    expect(asked.exitCode, asked.stderr).toBe(0);
    expect(asked.stdout).toContain(`Asked alice@`);
    expect(asked.stdout).toContain(`to hand run ${runId} over to bob`);
    await waitFor(() => out.includes("✋ bob"), 60_000);
    expect(out).toContain("asks to take this run over: my shift now");
    // Step two is still running: nothing is stopped half-way; the release waits for the boundary.
    writeFileSync(`${s.mark}.go`, "");
    const stopped = await runner;
    expect(stopped.exitCode, String(stopped.stderr)).toBe(130);
    expect(String(stopped.stdout)).toContain("⇢ released to bob by alice");
    expect(marks(s.mark)).toEqual(["one alice", "two alice"]);
    expect(posts.map((p) => p.text)).toEqual([expect.stringMatching(/^✋ handover runbook: handover asked: bob on \S+ asks alice to hand the run over \(my shift now\)$/)]);
    server.close();

    // Only the named recipient may take it before the lease would have run out.
    const refused = await carol!.run(["resume", runId, "--plain"]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`was handed over to bob by alice@`);
    expect(refused.stderr).toContain("only bob may take the lock");

    const t0 = Date.now();
    const resumed = await bob!.run(["resume", runId, "--plain"]);
    const took = Date.now() - t0;
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toContain("took over");
    // At once: far from the 2-minute lease.
    expect(took).toBeLessThan(60_000);
    ranOnceEach(s.mark, "alice", "bob", 2);

    const log = JSON.parse((await carol!.run(["log", runId, "--format", "json"])).stdout) as Array<{ type: string; to?: string; by?: string; how?: string; signal?: string }>;
    expect(log.filter((e) => e.type === "handover_asked")).toEqual([expect.objectContaining({ by: "bob", message: "my shift now" })]);
    expect(log.filter((e) => e.type === "released")).toEqual([expect.objectContaining({ to: "bob", by: "alice", how: "allow-handover" })]);
    const i = log.findIndex((e) => e.type === "released");
    expect(log[i + 1]).toMatchObject({ type: "run_interrupted", signal: "handover" });
    process.stdout.write(`handover (--allow-handover): bob's resume took ${took} ms with a 2-minute lease\n`);
  }, 240_000);

  it("clear refusals: unknown run (nearest ids), handover of a run that is not live (use resume), release by someone who does not hold it", async () => {
    const s = await sharedRepos({ "runbooks/h.md": handoverRunbook() }, { lease: "2m" });
    const [alice, bob] = s.clones;
    const unknown = await bob!.run(["handover", "20990101T000000Z-nope"]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("no run `20990101T000000Z-nope`");

    const runner = alice!.spawn(["run", "runbooks/h.md", "--plain", "--yes"], POLL);
    let out = "";
    runner.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    let err = "";
    runner.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    const runId = await liveRunId(bob!);
    const near = await bob!.run(["handover", `${runId.slice(0, 20)}x`]);
    expect(near.exitCode).toBe(2);
    expect(near.stderr).toContain(`Closest runs: ${runId}`);

    const notHolder = await bob!.run(["release", runId]);
    expect(notHolder.exitCode).toBe(2);
    expect(notHolder.stderr).toContain(`run ${runId} is held by alice@`);
    expect(notHolder.stderr).toContain("not by you (bob@");
    expect(notHolder.stderr).toContain(`runbook handover ${runId}`);

    // A plain runner without --allow-handover records the request and says how to grant it.
    const asked = await bob!.run(["handover", runId]);
    expect(asked.exitCode, asked.stderr).toBe(0);
    await waitFor(() => err.includes("grant it with `runbook release"), 60_000);
    expect(err).toContain("or start the run with --allow-handover");
    expect(out).toContain("✋ bob");
    // Then alice releases it from another terminal of hers.
    const released = await alice!.run(["release", runId]);
    expect(released.exitCode, released.stderr).toBe(0);
    expect(released.stdout).toContain(`Released run ${runId} to bob`);
    // The runner takes the grant at its next look at the notes ref, then stops at the step boundary.
    await waitFor(() => err.includes(`handing run ${runId} over to bob`), 60_000);
    writeFileSync(`${s.mark}.go`, "");
    expect((await runner).exitCode).toBe(130);
    expect(out).toContain("⇢ released to bob by alice");

    const notLive = await bob!.run(["handover", runId]);
    expect(notLive.exitCode).toBe(2);
    expect(notLive.stderr).toContain(`run ${runId} is not live`);
    expect(notLive.stderr).toContain(`runbook resume ${runId}`);
    const resumed = await bob!.run(["resume", runId, "--plain"]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    ranOnceEach(s.mark, "alice", "bob", 2);
    const ended = await bob!.run(["handover", runId]);
    expect(ended.exitCode).toBe(2);
    expect(ended.stderr).toContain("has ended");
  }, 240_000);

  describe.skipIf(!hasTmux && !tmuxRequired)("in a real terminal (tmux)", () => {
    it("the holder's screen shows who asks; one key (h) at a confirmation grants it; bob resumes at once", async () => {
      const s = await sharedRepos({ "runbooks/h.md": handoverRunbook(true) }, { lease: "2m" });
      const [alice, bob] = s.clones;
      writeFileSync(`${s.mark}.go`, "");
      // The terminal is the point: not CI, whose runs never ask.
      const env = Object.fromEntries(Object.entries({ ...alice!.env, ...POLL }).filter(([k]) => k !== "CI"));
      const t = new TmuxSession(["run", "runbooks/h.md"], { cwd: alice!.dir, env });
      sessions.push(t);
      await t.waitFor(/Check the params before the run starts/);
      t.send("s");
      // Step four waits for its confirmation: a prompt.
      await waitFor(() => marks(s.mark).includes("three alice"));
      await t.waitFor(/Run this step\?/);
      const runId = await liveRunId(bob!);
      const asked = await bob!.run(["handover", runId, "--message", "pager is mine"]);
      expect(asked.exitCode, asked.stderr).toBe(0);
      const shown = await t.waitFor(/bob \([^)]*\) asks to take this run over: pager is mine\. Press h to hand it over/);
      expect(shown).toContain("✋ bob");
      t.send("h");
      expect(await t.exitCode()).toBe(130);
      expect(marks(s.mark)).toEqual(["one alice", "two alice", "three alice"]);
      const t0 = Date.now();
      const resumed = await bob!.run(["resume", runId, "--plain", "--yes"]);
      expect(resumed.exitCode, resumed.stderr).toBe(0);
      expect(Date.now() - t0).toBeLessThan(60_000);
      ranOnceEach(s.mark, "alice", "bob", 3);
      const log = JSON.parse((await bob!.run(["log", runId, "--format", "json"])).stdout) as Array<{ type: string; how?: string; to?: string }>;
      expect(log.find((e) => e.type === "released")).toMatchObject({ to: "bob", how: "key" });
    }, 240_000);
  });
});
