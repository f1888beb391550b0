import { describe, expect, it } from "vitest";
import { runMain } from "../helpers/cli.js";
import { drilledRepo } from "./fixture.js";

describe("runbook drill --due", () => {
  it("counts from a drill that passed in this clone's journals even when its verification was not kept", async () => {
    const repo = await drilledRepo();
    const env = { MARK_DIR: repo.marks, GITHUB_STEP_SUMMARY: "" };
    const first = await runMain(["drill", "runbooks/passing.md"], { cwd: repo.dir, env });
    expect(first.exitCode, first.stderr).toBe(0);
    // The verification written into the file is thrown away (a CI job that does not commit): only the journal remembers.
    await repo.git("checkout", "--", "runbooks/passing.md");
    const again = await runMain(["drill", "--due", "--dry-run", "runbooks/passing.md"], { cwd: repo.dir, env });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/runbooks\/passing.md: not due \(not due until \d{4}-\d{2}-\d{2}\)/);
    expect(again.stdout).toBe("runbook drill: no drill to run\n");
  }, 60_000);
});

describe("a drill's record", () => {
  it("says a drill_skip step was left out by the drill, not assumed done by the operator", async () => {
    const repo = await drilledRepo();
    const env = { MARK_DIR: repo.marks, GITHUB_STEP_SUMMARY: "" };
    expect((await runMain(["drill", "runbooks/passing.md"], { cwd: repo.dir, env })).exitCode).toBe(0);
    const log = await runMain(["log", "last", "--format", "markdown"], { cwd: repo.dir, env });
    expect(log.exitCode, log.stderr).toBe(0);
    expect(log.stdout).toContain("`page` assumed done (by no one: drill_skip leaves it out of a drill)");
    expect(log.stdout).toContain("`tell` assumed done (by --yes: nobody said it was done)");
    expect(log.stdout).not.toContain("by the operator");
  }, 60_000);
});
