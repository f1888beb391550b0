import { describe, expect, it } from "vitest";
import { effectiveSeverities } from "../../src/check/severities.js";
import { runMain } from "../helpers/cli.js";

describe("effectiveSeverities", () => {
  it("turns requires-installed off on CI unless the config names it", () => {
    expect(effectiveSeverities(undefined, { CI: "true" })).toEqual({ "requires-installed": "off" });
    expect(effectiveSeverities({ "requires-installed": "warning" }, { CI: "true" })).toEqual({ "requires-installed": "warning" });
    expect(effectiveSeverities(undefined, {})).toEqual({});
    expect(effectiveSeverities(undefined, { CI: "false" })).toEqual({});
  });

  it("lets --rule flags win over the config", () => {
    expect(effectiveSeverities({ "stale-overdue": "error", "param-used": "error" }, {}, { "stale-overdue": "off" })).toEqual({ "stale-overdue": "off", "param-used": "error" });
  });
});

describe("runbook lint on CI and with --rule", () => {
  const missingTool = "test/fixtures/lint/requires-missing.md";

  it("warns about a missing required command on a workstation, not on CI", async () => {
    const local = await runMain(["lint", missingTool, "--format", "json"], { env: { CI: "" } });
    expect(local.stdout).toContain("requires-installed");
    const ci = await runMain(["lint", missingTool, "--format", "json"], { env: { CI: "true" } });
    expect(ci.stdout).not.toContain("requires-installed");
  });

  it("applies --rule and rejects an unknown rule or setting with exit 2", async () => {
    const on = await runMain(["lint", missingTool, "--format", "json", "--rule", "requires-installed=error"]);
    expect(on.exitCode).toBe(1);
    expect(on.stdout).toContain('"severity": "error"');
    const bad = await runMain(["lint", missingTool, "--rule", "requires-instaled=off"]);
    expect([bad.exitCode, bad.stderr]).toEqual([2, "runbook: Unknown rule `requires-instaled` in --rule (did you mean `requires-installed`?)\n"]);
    expect((await runMain(["lint", missingTool, "--rule", "requires-installed"])).exitCode).toBe(2);
    const far = await runMain(["lint", missingTool, "--rule", "shellcheck=off"]);
    expect(far.stderr).toMatch(/^runbook: Unknown rule `shellcheck` in --rule: expected one of `file-content`, `yaml-syntax`, .* or `runbook-id-unique`\n$/);
  });
});
