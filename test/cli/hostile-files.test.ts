import { writeFileSync } from "node:fs";
import path from "node:path";
import { cpuMs } from "../helpers/cpu-time.js";
import { describe, expect, it } from "vitest";
import { aliasBombYaml, HOSTILE_RUNBOOKS } from "../../bench/hostile-files.mjs";
import { lintRunbook } from "../../src/check/lint-runbook.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { runCli, runMain } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

interface Sarif {
  runs: Array<{ results: Array<{ ruleId: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }>;
}

/** The rule each hostile file must be reported under. */
const EXPECTED: Record<string, string> = {
  "alias-bomb.md": "yaml-syntax",
  "nested-dashes.md": "file-content",
  "nested-quotes.md": "file-content",
  "nested-items-16k.md": "file-content",
  "nested-items-100k.md": "file-content",
  "stars-100k.md": "file-content",
  "setext-8000.md": "file-content",
  "lazy-lines-32k.md": "file-content",
  "needs-32000.md": "needs-known",
  "redos-pattern.md": "frontmatter-schema",
};

// Issue 13, case 9: each of these crashed lint ("internal error") or took 12 s to over a minute.
describe("hostile files (real files and processes)", () => {
  it("each is a finding, and a folder holding them all still reports the other files (SARIF)", async () => {
    const dir = await tempDir();
    for (const [name, make] of Object.entries(HOSTILE_RUNBOOKS)) writeFileSync(path.join(dir, name), make());
    writeFileSync(path.join(dir, "plain.md"), "---\nid: plain\nowner: team-test\n---\n# Plain\n## Steps\n### A\n```sh\necho \"$UNDECLARED\"\n```\n");
    const r = await runCli(["lint", dir, "--format", "sarif"], { timeout: 120_000 });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(1);
    const results = (JSON.parse(r.stdout) as Sarif).runs[0]!.results;
    const rulesOf = (file: string) => results.filter((x) => x.locations[0]?.physicalLocation.artifactLocation.uri.endsWith(file)).map((x) => x.ruleId);
    expect(rulesOf("plain.md")).toContain("param-declared");
    for (const [file, rule] of Object.entries(EXPECTED)) expect(rulesOf(file), file).toContain(rule);
  });

  it("each lints in bounded time in this process (timing targets are in `npm run bench`)", () => {
    for (const [name, make] of Object.entries(HOSTILE_RUNBOOKS)) {
      const text = make();
      const { result: findings, ms } = cpuMs(() => lintRunbook(buildRunbook(name, text)));
      // CPU time, so a busy machine does not break it: these took 12 s to over 60 s before.
      expect(ms, name).toBeLessThan(5000);
      expect(findings.some((d) => d.ruleId === EXPECTED[name] && d.severity === "error"), name).toBe(true);
      expect(findings.some((d) => d.message.startsWith("Rule crashed")), name).toBe(false);
    }
  });

  it("an alias bomb in runbook.config.yaml is a usage error at its position, not an internal error", async () => {
    const dir = await tempDir();
    writeFileSync(path.join(dir, "runbook.config.yaml"), aliasBombYaml());
    writeFileSync(path.join(dir, "a.md"), "---\nid: a\nowner: o\n---\n# A\n## Steps\n### A\n```sh\ntrue\n```\n");
    const r = await runMain(["lint", "a.md"], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^runbook: runbook\.config\.yaml:1:1: Invalid YAML: Excessive alias count/);
    expect(r.stderr).not.toContain("internal error");
  });

  // Spawned, as the folder above: a hang or a crash there must end a process, not the test runner.
  it("a pattern that backtracks forever in JavaScript (^(a+)+$) neither hangs lint, graph, a dry run nor a run", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "rb.md");
    writeFileSync(file, `---\nid: redos\nowner: o\nparams:\n  X: {pattern: "^(a+)+$", default: aaa}\n---\n# R\n## Steps\n### A\n\`\`\`sh\necho "$X"\n\`\`\`\n`);
    const evil = `${"a".repeat(5000)}!`;
    const env = { RUNBOOK_STATE_DIR: path.join(dir, "state") };
    expect((await runCli(["lint", "rb.md"], { cwd: dir, timeout: 20_000 })).exitCode).toBe(0);
    expect((await runCli(["graph", "rb.md"], { cwd: dir, timeout: 20_000 })).exitCode).toBe(0);
    // A dry run shows the plan even with a bad value, and says what is wrong with it; a run refuses.
    const dry = await runCli(["run", "rb.md", "--dry-run", "-p", `X=${evil}`], { cwd: dir, env, timeout: 20_000 });
    expect(dry.stderr).toContain("does not match `^(a+)+$`");
    const run = await runCli(["run", "rb.md", "-p", `X=${evil}`], { cwd: dir, env, timeout: 20_000 });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("does not match `^(a+)+$`");
  });

  it("a pattern RE2 cannot run (lookahead, backreference) is a lint error at the param, not a crash", async () => {
    const dir = await tempDir();
    writeFileSync(path.join(dir, "rb.md"), `---\nid: re\nowner: o\nparams:\n  X: {pattern: "^(?=a)a$", default: a}\n  Y: {pattern: "^(a)\\\\1$", default: aa}\n---\n# R\n## Steps\n### A\n\`\`\`sh\necho "$X $Y"\n\`\`\`\n`);
    const r = await runMain(["lint", "rb.md"], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/5:16\s+error\s+Expected a valid RE2 regular expression \(no lookaround or backreferences\)/);
    expect(r.stdout).toMatch(/6:16\s+error\s+Expected a valid RE2 regular expression/);
  });
});
