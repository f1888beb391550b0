import { afterEach, describe, expect, it } from "vitest";
import { hasTmux, tmuxRequired, TmuxSession } from "../helpers/tmux.js";
import { marks } from "../helpers/runbooks.js";
import { sharedRepos } from "../helpers/shared.js";

/**
 * The handoff report of a live shared run (issue 20, item 3), read from another clone: real git (a
 * bare repository and two clones with their own state folders), alice's runner in a real terminal
 * waiting at an irreversible step. Each field is checked in the text and in the JSON, then again
 * once her runner is gone.
 */
const FENCE = "```";
const RUNBOOK = `---
id: failover
owner: team-db
params:
  MARK: {}
  REGION: {default: eu-west-1}
  DB_PASSWORD: {secret: true}
---
# DB failover

## Steps

### Take a snapshot {#snapshot}

${FENCE}sh
echo snapshot >> "$MARK"
${FENCE}

${FENCE}sh rollback
echo unsnapshot >> "$MARK"
${FENCE}

### Drain the primary {#drain}

${FENCE}sh
echo drain >> "$MARK"
${FENCE}

### Promote the replica {#promote}

${FENCE}sh irreversible="the old primary cannot rejoin"
echo promote >> "$MARK"
${FENCE}

### Switch DNS {#dns}

${FENCE}sh
echo dns >> "$MARK"
${FENCE}
`;

interface OpenRun {
  runId: string;
  step: string;
  stepWord: string;
  done: number;
  total: number;
  waitingFor: string;
  stepFacts: { title: string; confirm: boolean; irreversible: string | null; manual: boolean; rollback: boolean } | null;
  changed: Array<{ id: string; rollback: boolean; irreversible?: string }>;
  params: Array<[string, string]>;
  /** Absent once nobody holds it. */
  holder?: { user: string; host: string; pid: number; leaseUntil: string };
  command: string;
  runbookRead: string;
}

/** The clone's environment for a terminal: no CI, so the runner asks its questions there. */
const withoutCi = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).filter(([k]) => k !== "CI"));

const sessions: TmuxSession[] = [];
afterEach(() => sessions.splice(0).forEach((s) => s.kill()));

describe.skipIf(!hasTmux && !tmuxRequired)("the handoff report of a live run says what comes next", () => {
  it("a run held by alice at an irreversible step: next step and its flags, what changed, params (secret by name), holder and lease, and `runbook handover`; once she is gone, `runbook resume`", async () => {
    const s = await sharedRepos({ "runbooks/failover.md": RUNBOOK }, { lease: "20s" });
    const [a, b] = s.clones;
    const t = new TmuxSession(["run", "runbooks/failover.md"], { cwd: a!.dir, env: withoutCi(a!.env), width: 100, height: 40 });
    sessions.push(t);
    // The secret is typed at its prompt, as an operator does.
    await t.waitFor(/DB_PASSWORD \(hidden\)/);
    t.paste("hunter2-swordfish");
    t.send("Enter");
    await t.waitFor(/Check the params before the run starts/);
    t.send("s");
    await t.waitFor(/⚠ irreversible: the old primary cannot rejoin/);
    expect(marks(s.mark)).toEqual(["snapshot", "drain"]);

    // Bob's clone: the report fetches the run and finds alice's live lease.
    let text = "";
    await (async () => {
      for (const until = Date.now() + 60_000; Date.now() < until; ) {
        text = (await b!.run(["handoff", "--format", "text"])).stdout;
        // The runner pushes in the background: the remote may still say drain is running.
        if (/held by: +alice@/.test(text) && /next step: +promote \(next; 2 of 4/.test(text)) return;
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    console.log(`handoff of a live run, from bob's clone:\n${text}`);
    const json = JSON.parse((await b!.run(["handoff", "--format", "json"])).stdout) as { open: OpenRun[] };
    expect(json.open).toHaveLength(1);
    const run = json.open[0]!;
    const id = run.runId;
    // The next step and its flags.
    expect([run.step, run.stepWord, run.done, run.total]).toEqual(["promote", "next", 2, 4]);
    expect(run.stepFacts).toEqual({ title: "Promote the replica", confirm: true, irreversible: "the old primary cannot rejoin", manual: false, rollback: false });
    expect(run.waitingFor).toBe("an answer at step promote, in the terminal that runs it");
    // What changed so far: the snapshot (it has a rollback); the drain has none and changed nothing a rollback knows of.
    expect(run.changed).toEqual([{ id: "snapshot", rollback: true }]);
    expect(run.runbookRead).toBe("same");
    // Params by name, the secret masked.
    expect(Object.fromEntries(run.params)).toEqual({ MARK: s.mark, REGION: "eu-west-1", DB_PASSWORD: "***" });
    // Who holds it, until when, and the command for the reader.
    expect(run.holder).toMatchObject({ user: "alice" });
    expect(Date.parse(run.holder!.leaseUntil)).toBeGreaterThan(Date.now() - 60_000);
    expect(run.command).toBe(`runbook handover ${id}`);

    const field = (label: string) => text.split("\n").find((l) => l.startsWith(`    ${label}:`))?.slice(4 + label.length + 1).trim();
    expect(text).toContain(`  ${id} DB failover: live, started `);
    expect(field("next step")).toBe("promote (next; 2 of 4 steps done): Promote the replica");
    expect(field("its flags")).toBe("confirm, irreversible (the old primary cannot rejoin)");
    expect(field("waiting for")).toBe("an answer at step promote, in the terminal that runs it");
    expect(field("changed")).toBe("snapshot (has a rollback)");
    expect(field("params")).toBe(`MARK=${s.mark} REGION=eu-west-1 DB_PASSWORD=***`);
    expect(field("held by")).toMatch(/^alice@\S+ \(pid \d+, lease until \d\d:\d\d:\d\dZ\)$/);
    expect(field("command")).toBe(`runbook handover ${id} (it is live: asks its holder to hand it over; then runbook resume ${id})`);
    expect(field("hand over")).toBe(`runbook handover ${id} asks them to hand it over`);
    for (const out of [text, JSON.stringify(json)]) expect(out).not.toContain("hunter2-swordfish");

    // `runs` in 80 columns, the live holder in it.
    const table = (await b!.run(["runs"])).stdout;
    console.log(`runs, 80 columns:\n${table}`);
    for (const l of table.split("\n")) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(table.split("\n")[1]).toMatch(new RegExp(`^${id} +live \\(alice@\\S+, +next promote +handover; resume$`));

    // Alice's terminal goes away (the runner is interrupted and lets go): the reader's command is resume.
    t.kill();
    let after: OpenRun | undefined;
    for (const until = Date.now() + 90_000; Date.now() < until; ) {
      after = (JSON.parse((await b!.run(["handoff", "--format", "json"])).stdout) as { open: OpenRun[] }).open[0];
      if (after && after.holder === undefined) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(after?.holder).toBeUndefined();
    expect(after).toMatchObject({ command: `runbook resume ${id}`, step: "promote", changed: [{ id: "snapshot", rollback: true }] });
    const textAfter = (await b!.run(["handoff", "--format", "text"])).stdout;
    expect(textAfter).toMatch(new RegExp(`\\n    command: +runbook resume ${id}\\n`));
    expect(textAfter).not.toContain("runbook handover");
  }, 240_000);
});
