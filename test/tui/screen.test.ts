import { writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { fence, journalEvents, marks, onlyRunId, runbookProject } from "../helpers/runbooks.js";
import { lineWith } from "../helpers/screen-text.js";
import { hasTmux, tmuxRequired, TmuxSession } from "../helpers/tmux.js";

/**
 * The operator's screen in a real terminal at the size of a laptop's (80×24): what a failure says,
 * every line reachable, the layout, the guarded keys, the param review. Each test waits for screen
 * states, never for time.
 */
const sessions: TmuxSession[] = [];
afterEach(() => sessions.splice(0).forEach((s) => s.kill()));
const open = (p: { dir: string; env: Record<string, string> }, args: string[], size = { width: 80, height: 24 }, env: Record<string, string> = {}) => {
  const s = new TmuxSession(args, { cwd: p.dir, env: { ...p.env, ...env }, ...size });
  sessions.push(s);
  return s;
};
/** Every test runbook has a MARK param: the run starts after a look at the params. */
const start = async (t: TmuxSession) => {
  await t.waitFor(/Check the params before the run starts/);
  t.send("s");
};
const rows = (screen: string) => screen.split("\n");

describe.skipIf(!hasTmux && !tmuxRequired)("the operator's screen in a real terminal (tmux, 80×24)", () => {
  it("a step failing with exit 141: the code, what it means and the output are on screen with the menu; skipping it takes a second s", async () => {
    const p = await runbookProject(`## Steps\n### Look at the replicas {#look}\n${fence("sh", 'echo "checking replicas of db-1"\necho "warning: db-3 lagging" >&2\nyes | grep -q y')}### Next {#next}\n${fence("sh", 'echo next >> "$MARK"')}`);
    const t = open(p, ["run", "rb.md"]);
    await start(t);
    const screen = await t.waitFor(/The step failed\./);
    expect(screen).toMatch(/✖ look +Look at the replicas +failed: exit 141/);
    expect(screen).toContain("✖ attempt 1 failed: exit 141");
    expect(screen).toContain("SIGPIPE: a reader closed the pipe early");
    expect(screen).toContain("checking replicas of db-1");
    expect(screen).toContain("warning: db-3 lagging");
    console.log(`capture: a failed step at 80×24\n${screen}`);
    t.send("s");
    await t.waitFor(/Skip this failed step and go on\? Its change may be half done\./);
    expect(marks(p.mark)).toEqual([]);
    t.send("s");
    await t.waitFor(/Run completed/);
    expect(await t.exitCode()).toBe(0);
    expect(marks(p.mark)).toEqual(["next"]);
  });

  it("a retry counts down to the next attempt", async () => {
    const p = await runbookProject(`## Steps\n### Wait for the lag {#lag}\n${fence("sh retries=2 backoff=8s", 'echo try >> "$MARK"\necho "lag is 9000 bytes" >&2\ntest "$(wc -l < "$MARK")" -ge 2')}`);
    // The jitter is fixed: the wait is 4s, long enough to be seen on a busy machine.
    const t = open(p, ["run", "rb.md"], undefined, { RUNBOOK_TEST_RANDOM: "0.5" });
    await start(t);
    const screen = await t.waitFor(/attempt 2 of 3 in \d+\.\ds/);
    expect(screen).toMatch(/↻ lag +Wait for the lag +exit 1 · attempt 2 of 3 in \d+\.\ds/);
    expect(screen).toContain("lag is 9000 bytes");
    await t.waitFor(/Run completed/);
    expect(await t.exitCode()).toBe(0);
    expect(marks(p.mark)).toEqual(["try", "try"]);
  });

  it("a failed prerequisite shows its command and its output, and that no step ran", async () => {
    const p = await runbookProject(`## Prerequisites\n${fence("sh", 'echo "connecting to db-2"\necho "psql: connection to db-2 refused" >&2\nexit 2')}## Steps\n### A {#a}\n${fence("sh", 'echo a >> "$MARK"')}`);
    const t = open(p, ["run", "rb.md"]);
    await start(t);
    const screen = await t.waitFor(/Run failed/);
    expect(screen).toContain("── last output of prerequisite 1 ──");
    expect(screen).toContain("psql: connection to db-2 refused");
    expect(screen).toMatch(/✖ prerequisite 1 \(line \d+\) failed: exit 2/);
    expect(screen).toContain('$ echo "connecting to db-2"');
    expect(await t.exitCode()).toBe(1);
    expect(marks(p.mark)).toEqual([]);
  });

  it("30 steps at 80×24: the title, the run id and the prompt are on every frame; resizing redraws", async () => {
    const steps = Array.from({ length: 30 }, (_, i) => {
      const n = i + 1;
      const confirm = n % 10 === 0;
      return `### Step number ${n} with a title long enough to be cut {#s${n}}\nThis step does thing ${n}. Its instructions are a paragraph\nhard-wrapped in the source, with \`inline code\`.\n\n- one\n- two\n${fence(confirm ? "sh confirm" : "sh", `echo "step ${n}" >> "$MARK"; for j in 1 2 3; do echo "step ${n} line $j"; done`)}${confirm ? fence("sh rollback", "true") : ""}`;
    });
    const p = await runbookProject(`## Steps\n${steps.join("")}`);
    const t = open(p, ["run", "rb.md"]);
    await start(t);
    let answered = 0;
    let frames = 0;
    for (;;) {
      const screen = await t.settled();
      if (/Run completed/.test(screen)) break;
      const lines = rows(screen).filter((l, i, all) => l !== "" || all.slice(i).some((x) => x !== ""));
      if (lines.length === 0 || lines[0] === "") continue;
      frames++;
      expect(lines[0], screen).toBe("Test runbook");
      expect(lines[1], screen).toMatch(/^(run \d{8}T\d{6}Z-test-rb-[0-9a-f]{4} · |not started)/);
      expect(lines.at(-1), screen).toMatch(/Running… Ctrl-C to stop|Ctrl-C to stop|Run this step\?|q leave without running/);
      const asked = /step (\d+) of 30/.exec(screen);
      if (/Run this step\?/.test(screen) && asked && Number(asked[1]) > answered) {
        const n = Number(asked[1]);
        expect(screen).toMatch(new RegExp(`· s${n} +Step number ${n}`));
        expect(screen).toMatch(/… \d+ more/);
        if (n === 20) {
          t.resize(200, 60);
          // Redrawn at the new size: the title on top, the panel as wide as the terminal, the prompt at the bottom.
          await t.waitFor(/^Test runbook\n[\s\S]*\n┌─{198}┐\n[\s\S]*\$ echo "step 20" >> .*; for j in 1 2 3; do echo "step 20 line \$j"; done[\s\S]*Run this step\?/);
          t.resize(80, 24);
          await t.waitFor(/^Test runbook\nrun [^\n]* · step 20 of 30[^\n]*\n[\s\S]*\n┌─{78}┐\n[\s\S]*Run this step\?/);
        }
        answered = n;
        t.send("y");
        // The next frame shows the run past this step: no second y for the same question.
        await t.waitFor(new RegExp(`step (?!${n} of)\\d+ of 30|Run completed`));
      }
    }
    expect(answered).toBe(30);
    expect(frames).toBeGreaterThan(3);
    expect(await t.exitCode()).toBe(0);
    expect(marks(p.mark)).toHaveLength(30);
  }, 120_000);

  it("scrolls back through a previous step's output, to its first line, and back to the live one", async () => {
    const p = await runbookProject(`## Steps\n### Dump {#dump}\n${fence("sh", "for i in $(seq 1 60); do echo \"dump line $i\"; done")}### Tidy {#tidy}\n${fence("sh", 'echo "tidied"')}### Change {#change}\n${fence("sh confirm", 'echo change >> "$MARK"')}${fence("sh rollback", "true")}`);
    const t = open(p, ["run", "rb.md"]);
    await start(t);
    let screen = await t.waitFor(/Run this step\?/);
    expect(screen).toContain("── output of tidy ── ↑↓ PgUp PgDn Home End · ←→ other steps");
    t.send("Left");
    screen = await t.waitFor(/── output of dump · lines \d+–60 of 60 ──/);
    expect(screen).toContain("dump line 60");
    expect(screen).not.toMatch(/dump line 1\n/);
    t.send("Home");
    screen = await t.waitFor(/── output of dump · lines 1–\d+ of 60 ──/);
    expect(screen).toMatch(/dump line 1\n/);
    t.send("PageDown");
    screen = await t.waitFor(/── output of dump · lines (?!1–)\d+–\d+ of 60 ──/);
    expect(screen).not.toMatch(/dump line 1\n/);
    t.send("End");
    await t.waitFor(/── output of tidy ── /);
    t.send("y");
    await t.waitFor(/Run completed/);
    expect(marks(p.mark)).toEqual(["change"]);
  });

  it("an irreversible step refuses a single y, and runs when its id is typed", async () => {
    const p = await runbookProject(`## Steps\n### Promote the replica {#promote}\n${fence('sh confirm irreversible="a promoted replica cannot be demoted"', 'echo promoted >> "$MARK"')}`);
    const t = open(p, ["run", "rb.md"]);
    await start(t);
    const screen = await t.waitFor(/Irreversible: type promote and press Enter to run it/);
    expect(screen).toContain("⚠ irreversible: a promoted replica cannot be demoted");
    t.send("y");
    t.send("Enter");
    await t.waitFor(/"y" is not promote: type the step id to run this irreversible step\./);
    expect(marks(p.mark)).toEqual([]);
    t.send("-l", "promote");
    t.send("Enter");
    await t.waitFor(/Run completed/);
    expect(marks(p.mark)).toEqual(["promoted"]);
    expect(journalEvents(p.state).filter((e) => e.type === "answer").map((e) => e.answer)).toEqual(["yes"]);
  });

  it("abort needs a second key: another key cancels it, and n says what to press", async () => {
    const p = await runbookProject(`## Steps\n### Change {#change}\n${fence("sh confirm", 'echo changed >> "$MARK"')}${fence("sh rollback", "true")}`);
    const t = open(p, ["run", "rb.md"]);
    await start(t);
    await t.waitFor(/Run this step\?/);
    t.send("a");
    await t.waitFor(/Abort the run here\? Nothing more will run\. Press +a +again or/);
    t.send("x");
    await t.waitFor(/Cancelled: did not abort\./);
    t.send("n");
    await t.waitFor(/n does nothing here: s to skip, a to abort the run\./);
    expect(journalEvents(p.state).filter((e) => e.type === "answer")).toEqual([]);
    t.send("a");
    await t.waitFor(/Abort the run here\?/);
    t.send("a");
    await t.waitFor(/Run aborted/);
    expect(await t.exitCode()).toBe(3);
    expect(marks(p.mark)).toEqual([]);
  });

  it("the param review lists every param and where it came from; an edited value reaches the step, shown in its command but never put in what runs", async () => {
    // set -v: bash echoes the source it was given as it reads it; that must be the runbook's, references and all.
    const p = await runbookProject(`## Steps\n### Use {#use}\n${fence("sh confirm", 'set -v\necho "$REGION $TARGET_ENV" >> "$MARK"')}${fence("sh rollback", "true")}`, "params:\n  REGION: {description: Region to fail over in, default: eu-1, pattern: '^[a-z]+-[0-9]$', example: us-2}\n  TARGET_ENV: {enum: [staging, production]}\n");
    const t = open(p, ["run", "rb.md", "-p", "TARGET_ENV=staging"]);
    const review = await t.waitFor(/Check the params before the run starts/);
    // The marks file's path is as long as the temp folder makes it: on the param's row, or whole below
    // it (over as many lines as it takes, joined here).
    expect(review).toMatch(/MARK +(\/\S+ +)?RUNBOOK_PARAM_/);
    expect(review.replace(/ *│\n│ +/g, "")).toContain(p.mark);
    expect(review).toMatch(/REGION +eu-1 +default *│\n│ +Region to fail over in · e\.g\. us-2 · default eu-1/);
    expect(review).toMatch(/TARGET_ENV +staging +-p flag *│\n│ +one of staging, production/);
    console.log(`capture: the param review at 80×24\n${review}`);
    t.send("Up");
    await t.waitFor(/› TARGET_ENV/);
    t.send("Enter");
    await t.waitFor(/2\. production/);
    t.send("Down");
    await t.waitFor(/› 2\. production/);
    t.send("Enter");
    await t.waitFor(/TARGET_ENV +production +edited/);
    t.send("Up");
    await t.waitFor(/› REGION/);
    t.send("Enter");
    await t.waitFor(/Enter keep · Esc cancel/);
    t.paste("\u0015US\r");
    await t.waitFor(/does not match/);
    t.paste("\u0015us-2\r");
    await t.waitFor(/REGION +us-2 +edited/);
    t.send("s");
    const asked = await t.waitFor(/Run this step\?/);
    expect(asked).toMatch(/\$ set -v *│\n│ +echo "us-2 production" >> "/);
    t.send("y");
    await t.waitFor(/Run completed/);
    expect(marks(p.mark)).toEqual(["us-2 production"]);
    const ran = journalEvents(p.state).filter((e) => e.type === "output" && e.target === "use").map((e) => e.text).join("");
    expect(ran).toContain('echo "$REGION $TARGET_ENV" >> "$MARK"');
    expect(journalEvents(p.state)[0]).toMatchObject({ type: "run_started", params: { REGION: "us-2", TARGET_ENV: "production" } });
  });

  it("a resumed run tells its story: who started it, when, on which host, how it stopped, what was answered, and its last output", async () => {
    const p = await runbookProject(`## Steps\n### Fence {#fence}\n${fence("sh confirm", 'echo "fenced db-1"')}${fence("sh rollback", "true")}### Copy {#copy}\n${fence("sh", 'echo "copying 1 of 3"; echo copy >> "$MARK"; sleep 60')}`);
    const t = open(p, ["run", "rb.md"], undefined, { RUNBOOK_OPERATOR: "alice" });
    await start(t);
    await t.waitFor(/Run this step\?/);
    t.send("y");
    await t.waitFor(/copying 1 of 3[\s\S]*Running… Ctrl-C to stop/);
    t.send("C-c");
    await t.waitFor(/Press Ctrl-C again/);
    t.send("C-c");
    expect(await t.exitCode()).toBe(130);
    const r = open(p, ["resume", onlyRunId(p.state)], undefined, { RUNBOOK_OPERATOR: "bob" });
    const screen = await r.waitFor(/This step was interrupted; its outcome is unknown\./);
    expect(screen).toMatch(/Started by alice on host \S+ at \d\d:\d\d UTC/);
    expect(screen).toMatch(/Stopped by SIGINT during copy at \d\d:\d\d UTC\./);
    expect(screen).toMatch(/fence: confirm → yes \(alice, \d\d:\d\d UTC\)/);
    expect(screen).toContain("── output of copy");
    expect(screen).toContain("copying 1 of 3");
    expect(screen).toContain("resumed by bob");
    r.send("d");
    await r.waitFor(/Run completed/);
    expect(marks(p.mark)).toEqual(["copy"]);
  });

  it("the summary keeps the last step's output in sight and says how to see all of it", async () => {
    const p = await runbookProject(`## Steps\n### Prepare {#prepare}\n${fence("sh", "echo prepared")}### Report {#report}\n${fence("sh", 'for i in 1 2 3; do echo "report line $i"; done')}`);
    const t = open(p, ["run", "rb.md"]);
    await start(t);
    const screen = await t.waitFor(/Run completed[\s\S]*EXIT=0/);
    expect(screen).toContain("── last output of report ──");
    expect(screen).toContain("report line 3");
    expect(screen).toMatch(/output: +runbook log \d{8}T\d{6}Z-test-rb-[0-9a-f]{4}/);
    console.log(`capture: the summary at 80×24\n${screen}`);
  });
});

/**
 * Every value whole where it is checked, in a real terminal at a big and a laptop size: the
 * swapped URLs of a failover look alike and must show where they differ, in plain text (NO_COLOR:
 * the capture has no attributes, only characters).
 */
describe.skipIf(!hasTmux && !tmuxRequired)("every value whole on the screen where it is checked (tmux)", () => {
  const PRIMARY = "postgresql://app_admin@orders-db-primary.prod.internal:5432/orders";
  const REPLICA = "postgresql://app_admin@orders-db-replica.prod.internal:5432/orders";
  const SEVENTY = "https://grafana.prod.internal/d/orders-db/replication-lag?orgId=1&vr=a";
  const params = `params:\n  PRIMARY_URL: {description: The database to promote}\n  REPLICA_URL: {description: The one to keep as a replica}\n  DASHBOARD: {default: '${SEVENTY}'}\n  TOKEN: {secret: true}\n`;
  /** Under the line holding `value`, carets under its characters `from`..`to` and the note. */
  function marked(screen: string, value: string, from: number, to: number, other: string) {
    const ls = rows(screen);
    const at = lineWith(ls, value);
    expect(at, screen).toBeDefined();
    const carets = ls[at!.row + 1]!;
    expect(Array.from(carets).indexOf("^"), screen).toBe(at!.col + from);
    expect(carets.match(/\^+/)?.[0], screen).toHaveLength(to - from);
    expect(ls.slice(at!.row + 1, at!.row + 3).join("\n"), screen).toContain(`differs from ${other} at character ${from + 1}`);
  }

  it.each([
    { width: 200, height: 50 },
    { width: 80, height: 24 },
  ])("at $width×$height a 70-character value is whole in the params review and at the confirmation; the swapped URLs show where they differ; the secret stays ***", async (size) => {
    expect(SEVENTY).toHaveLength(70);
    const p = await runbookProject(`## Steps\n### Promote the replica {#promote}\n${fence("sh confirm", 'echo "$REPLICA_URL $DASHBOARD $TOKEN" >> "$MARK"')}${fence("sh rollback", "true")}`, params);
    // Swapped, as in the outage: each URL given as the other.
    const t = open(p, ["run", "rb.md", "-p", `PRIMARY_URL=${REPLICA}`, "-p", `REPLICA_URL=${PRIMARY}`], size, { RUNBOOK_PARAM_TOKEN: `${PRIMARY}?password=hunter2` });
    const review = await t.waitFor(/Check the params before the run starts[\s\S]*Start the run/);
    for (const v of [PRIMARY, REPLICA, SEVENTY]) expect(review).toContain(v);
    marked(review, REPLICA, 33, 40, "REPLICA_URL");
    marked(review, PRIMARY, 33, 40, "PRIMARY_URL");
    expect(review).toMatch(/TOKEN +\*\*\* +RUNBOOK_PARAM_/);
    expect(review).not.toContain("hunter2");
    expect(review).not.toContain("TOKEN at character");
    console.log(`capture: the param review at ${size.width}×${size.height}\n${review}`);
    t.send("s");
    const asked = await t.waitFor(/values the command uses:[\s\S]*Run this step\?/);
    const values = rows(asked).slice(rows(asked).findIndex((l) => l.includes("values the command uses:"))).join("\n");
    expect(values).toContain(SEVENTY);
    expect(values).toMatch(/TOKEN +\*\*\*/);
    marked(values, PRIMARY, 33, 40, "PRIMARY_URL");
    expect(asked).not.toContain("hunter2");
    console.log(`capture: the confirmation at ${size.width}×${size.height}\n${asked}`);
    t.send("y");
    await t.waitFor(/Run completed/);
    expect(await t.exitCode()).toBe(0);
    expect(marks(p.mark)).toEqual([`${PRIMARY} ${SEVENTY} ${PRIMARY}?password=hunter2`]);
  });

  it("at 80×24 a long command is expanded from the confirmation and scrolled to its last line; Tab goes back; y runs it", async () => {
    const command = [...Array.from({ length: 40 }, (_, i) => `echo "copy shard ${i + 1} of 40"`), 'echo done >> "$MARK"'].join("\n");
    const p = await runbookProject(`## Steps\n### Copy the shards {#copy}\nCopy every shard to the new primary, in order.\n\n${fence("sh confirm", command)}${fence("sh rollback", "true")}`);
    const t = open(p, ["run", "rb.md"]);
    await start(t);
    let screen = await t.waitFor(/Run this step\? +y +run +s +skip +a +abort +Tab +whole step/);
    expect(screen).toMatch(/… \d+ more lines: Tab shows the whole step/);
    expect(screen).not.toContain("done >>");
    t.send("Tab");
    screen = await t.waitFor(/── step copy, whole · lines 1–\d+ of \d+ ──/);
    expect(screen).toContain("Copy every shard to the new primary, in order.");
    t.send("PageDown");
    await t.waitFor(/── step copy, whole · lines (?!1–)\d+–\d+ of \d+ ──/);
    t.send("End");
    screen = await t.waitFor(/── step copy, whole · lines \d+–(\d+) of \1 ──/);
    expect(screen).toContain('echo "copy shard 40 of 40"');
    expect(screen).toContain('echo done >> "');
    expect(screen).toContain("rollback $ true");
    expect(rows(screen).filter((l) => l !== "").length).toBeLessThan(24);
    console.log(`capture: the whole step scrolled to its end at 80×24\n${screen}`);
    t.send("Up");
    await t.waitFor(/── step copy, whole · lines \d+–(\d+) of (?!\1 )\d+ ──/);
    t.send("Tab");
    await t.waitFor(/── output ──/);
    expect(marks(p.mark)).toEqual([]);
    t.send("y");
    await t.waitFor(/Run completed/);
    expect(await t.exitCode()).toBe(0);
    expect(marks(p.mark)).toEqual(["done"]);
  });

  it("? shows the keys at the params review, while a step runs and at a confirmation; the key that closes the list does nothing else", async () => {
    const p = await runbookProject(`## Steps\n### Wait {#wait}\n${fence("sh", 'while [ ! -e "$MARK.go" ]; do sleep 0.05; done')}### Change {#change}\n${fence("sh confirm", 'echo changed >> "$MARK"')}${fence("sh rollback", "true")}`);
    const t = open(p, ["run", "rb.md"]);
    await t.waitFor(/Check the params before the run starts/);
    t.send("?");
    let screen = await t.waitFor(/Any key closes this list; it answers nothing\./);
    expect(screen).toMatch(/s +start the run with the values on screen/);
    expect(screen).toMatch(/q Esc +twice: leave without running anything/);
    t.send("s");
    await t.waitFor(/Check the params before the run starts/);
    t.send("s");
    await t.waitFor(/Running… Ctrl-C to stop +\? +keys/);
    t.send("?");
    screen = await t.waitFor(/While the run goes on[\s\S]*Any key closes this list/);
    expect(screen).toMatch(/Ctrl-C +asks first; a second Ctrl-C stops the running step/);
    t.send("x");
    await t.waitFor(/Running… Ctrl-C to stop/);
    writeFileSync(`${p.mark}.go`, "");
    await t.waitFor(/Run this step\?/);
    t.send("?");
    screen = await t.waitFor(/At this question: Run this step\?[\s\S]*Any key closes this list/);
    expect(screen).toMatch(/ y +run/);
    expect(screen).toMatch(/ a +abort \(asks once more\)/);
    expect(screen).toMatch(/ Tab +the whole step/);
    console.log(`capture: ? at a confirmation at 80×24\n${screen}`);
    t.send("y");
    await t.waitFor(/Run this step\? +y +run/);
    expect(marks(p.mark)).toEqual([]);
    t.send("y");
    await t.waitFor(/Run completed/);
    expect(marks(p.mark)).toEqual(["changed"]);
  });
});
