import { describe, expect, it } from "vitest";
import { fence, journalEvents, marks, runbookProject, runIn } from "../helpers/runbooks.js";

/** Two steps that need nothing but the first, each a second long, then one that needs both. */
const TWO_SECONDS = [
  `### Start {#start}\n${fence("sh", 'echo start >> "$MARK"')}`,
  `### Left {#left}\n${fence("sh needs=start", 'echo left-begin >> "$MARK"; sleep 1; echo left-end >> "$MARK"; echo left says hi')}`,
  `### Right {#right}\n${fence("sh needs=start", 'echo right-begin >> "$MARK"; sleep 1; echo right-end >> "$MARK"; echo right says hi')}`,
  `### Join {#join}\n${fence("sh needs=left,right", 'echo join >> "$MARK"')}`,
].join("");

type Ev = Record<string, unknown> & { type: string };
const at = (e: Ev | undefined) => Date.parse(String(e?.ts));
/** From the first of the two steps' starts to the last of their ends, in the journal's own timestamps. */
function spanMs(events: readonly Ev[], ids: readonly string[]): number {
  const starts = events.filter((e) => e.type === "attempt_started" && ids.includes(String(e.target)));
  const ends = events.filter((e) => e.type === "attempt_finished" && ids.includes(String(e.target)));
  expect(starts).toHaveLength(ids.length);
  expect(ends).toHaveLength(ids.length);
  return Math.max(...ends.map(at)) - Math.min(...starts.map(at));
}

describe("independent steps in parallel (parallel: N)", () => {
  it("two independent 1-second steps with parallel: 2 run at once: well under 2 s from the journal's timestamps", async () => {
    const p = await runbookProject(`## Steps\n${TWO_SECONDS}`, "parallel: 2\n");
    const r = await runIn(p, ["run", "rb.md", "--plain"]);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    const events = journalEvents(p.state);
    const span = spanMs(events, ["left", "right"]);
    expect(span).toBeGreaterThanOrEqual(1000);
    expect(span).toBeLessThan(1800);
    // Both began before either ended; the step that needs both ran after both.
    const m = marks(p.mark);
    expect(m.indexOf("left-begin")).toBeLessThan(m.indexOf("right-end"));
    expect(m.indexOf("right-begin")).toBeLessThan(m.indexOf("left-end"));
    expect(m.at(-1)).toBe("join");
    expect(m[0]).toBe("start");
    // The plain view says whose each output line is.
    expect(r.stdout).toMatch(/│ left: left says hi/);
    expect(r.stdout).toMatch(/│ right: right says hi/);
    process.stdout.write(`parallel: 2, two 1 s steps: ${span} ms from the first start to the last end\n`);
  });

  it("with parallel 1 (the default) the same steps run one after the other", async () => {
    const p = await runbookProject(`## Steps\n${TWO_SECONDS}`);
    const r = await runIn(p, ["run", "rb.md", "--plain"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const span = spanMs(journalEvents(p.state), ["left", "right"]);
    expect(span).toBeGreaterThanOrEqual(2000);
    expect(marks(p.mark)).toEqual(["start", "left-begin", "left-end", "right-begin", "right-end", "join"]);
  });

  it("--parallel 2 on the command line does what the frontmatter's parallel: 2 does", async () => {
    const p = await runbookProject(`## Steps\n${TWO_SECONDS}`);
    const r = await runIn(p, ["run", "rb.md", "--plain", "--parallel", "2"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(spanMs(journalEvents(p.state), ["left", "right"])).toBeLessThan(1800);
    const bad = await runIn(p, ["run", "rb.md", "--parallel", "0"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("--parallel 0: expected a whole number from 1 to 64");
  });
});

describe("a failure among steps at once", () => {
  it("stops new starts: the step in flight ends, nothing else starts, then the rollback undoes what ran, newest first", async () => {
    const body = [
      `### Start {#start}\n${fence("sh", 'echo start >> "$MARK"')}${fence("sh rollback", 'echo undo-start >> "$MARK"')}`,
      // Fails once the slow one is surely in flight (it waits for the slow step's first line).
      `### Breaks {#breaks}\n${fence("sh needs=start", 'while ! grep -q slow-begin "$MARK"; do sleep 0.02; done; echo breaks >> "$MARK"; exit 3')}`,
      `### Slow {#slow}\n${fence("sh needs=start", 'echo slow-begin >> "$MARK"; while ! grep -q breaks "$MARK"; do sleep 0.02; done; sleep 0.3; echo slow-end >> "$MARK"')}${fence("sh rollback", 'echo undo-slow >> "$MARK"')}`,
      `### Later {#later}\n${fence("sh needs=start", 'echo later >> "$MARK"')}`,
    ].join("");
    const p = await runbookProject(`## Steps\n${body}`, "parallel: 2\n");
    const r = await runIn(p, ["run", "rb.md", "--plain", "--on-failure", "rollback"]);
    expect(r.exitCode, r.stderr + r.stdout).toBe(1);
    // later was ready (needs only start) but never started: the failure came first; slow ended before the rollback.
    expect(marks(p.mark)).toEqual(["start", "slow-begin", "breaks", "slow-end", "undo-slow", "undo-start"]);
    const events = journalEvents(p.state);
    expect(events.some((e) => e.type === "attempt_started" && e.target === "later")).toBe(false);
    const rolled = events.findIndex((e) => e.type === "rollback_started");
    const slowEnd = events.findIndex((e) => e.type === "attempt_finished" && e.target === "slow" && e.phase === "command");
    expect(slowEnd).toBeGreaterThan(-1);
    expect(slowEnd).toBeLessThan(rolled);
  });

  it("a bad parallel: in the frontmatter is a lint error with its place; --plan does not go with --parallel", async () => {
    const p = await runbookProject(`## Steps\n### A {#a}\n${fence("sh", "true")}`, "parallel: 0\n");
    const r = await runIn(p, ["lint", "rb.md"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/rb\.md[\s\S]*4:11 +error +Expected a whole number from 1 to 64 \(steps at once; 1 runs them one at a time\) +frontmatter-schema/);
    const q = await runbookProject(`## Steps\n### A {#a}\n${fence("sh", "true")}`);
    const plan = await runIn(q, ["run", "rb.md", "--plan", "abc", "--parallel", "2"]);
    expect(plan.exitCode).toBe(2);
    expect(plan.stderr).toContain("does not go with --parallel");
  });
});

describe("--dry-run with parallel:", () => {
  it("says how many steps at once, and what each step waits for", async () => {
    const p = await runbookProject(`## Steps\n${TWO_SECONDS}`, "parallel: 2\n");
    const r = await runIn(p, ["run", "rb.md", "--dry-run"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain("Steps, up to 2 at once (each once the steps it needs are done; an irreversible one alone):");
    expect(r.stdout).toMatch(/2\. left: Left +\[needs start\]/);
    expect(r.stdout).toMatch(/4\. join: Join +\[needs left, right\]/);
    expect(marks(p.mark)).toEqual([]);
  });
});
