import { describe, expect, it } from "vitest";
import { fence, journalEvents, marks, runbookProject, runIn } from "../helpers/runbooks.js";

// Issue 13, case 3: timeouts of 24.8 days or more fired after about 1 ms.
describe("timeouts of weeks (real processes)", () => {
  it("`timeout=4w` and a frontmatter `timeout: 30d` let a step finish instead of timing it out at once", async () => {
    const body = `## Steps\n### Attr\n${fence("sh timeout=4w", 'sleep 0.2; echo attr >> "$MARK"')}### Default\n${fence("sh", 'sleep 0.2; echo default >> "$MARK"')}`;
    const p = await runbookProject(body, "timeout: 30d\n");
    const r = await runIn(p, ["run", "rb.md"]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(marks(p.mark)).toEqual(["attr", "default"]);
    const attempts = journalEvents(p.state).filter((e) => e.type === "attempt_finished");
    expect(attempts.map((a) => a.timedOut)).toEqual([false, false]);
  });

  it("lint says what is wrong with an absurd or zero timeout, at the attribute and the key", async () => {
    const body = `## Steps\n### Huge\n${fence("sh timeout=99999999999999999999d", "true")}### Zero\n${fence("sh timeout=0s", "true")}`;
    const p = await runbookProject(body, "timeout: 400d\n");
    const r = await runIn(p, ["lint", "rb.md"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/4:10\s+error\s+Expected a duration of at most 365d\s+frontmatter-schema/);
    expect(r.stdout).toMatch(/12:7\s+error\s+`timeout`: Expected a duration of at most 365d\s+fence-attributes/);
    expect(r.stdout).toMatch(/16:7\s+error\s+`timeout`: A timeout of 0 would stop the block at once/);
  });
});
