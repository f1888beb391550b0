import { describe, expect, it } from "vitest";
import { runbookExample } from "../../src/check/examples.js";
import { lintRunbook } from "../../src/check/lint-runbook.js";
import { buildRunbook } from "../../src/model/build-runbook.js";

// The mistakes of a first hour with runbook ("The first hour with runbook"): each draws one finding
// that says what to write instead, at its file, line and column, and hides nothing else.
const lint = (text: string) => lintRunbook(buildRunbook("x.md", text), { commandExists: () => true, today: new Date("2026-11-28T00:00:00Z") });
/** A rule's findings, or without a rule every error: to show that nothing else is reported. */
const rows = (text: string, rule?: string) => lint(text).filter((d) => (rule === undefined ? d.severity === "error" : d.ruleId === rule)).map((d) => `${d.line}:${d.column} ${d.ruleId}: ${d.message}`);

const STEPS = "## Steps\n### Check {#check}\n```sh\nredis-cli -h \"$HOST\" -p \"$PORT\" info replication\n```\n### Promote it {#promote-it}\n```sh\nredis-cli -h \"$HOST\" -p \"$PORT\" replicaof no one && echo \"$TARGET\"\n```\n";

describe("one frontmatter mistake never cascades", () => {
  it("an unknown key on one param keeps every param declared, and the owner placeholder shows in the same pass", () => {
    const text = `---\nid: redis-failover\nowner: "TODO: owning team"\nparams:\n  HOST: {pattern: "[a-z0-9.-]+"}\n  PORT: {default: "6379", validation: "^[0-9]+$"}\n  TARGET: {}\n---\n# Redis\n${STEPS}`;
    expect(rows(text)).toEqual([
      "3:8 owner-placeholder: Owner is a placeholder (`TODO: owning team`): name the team or person to escalate to",
      "6:27 frontmatter-schema: Unknown key `validation` in param `PORT`: expected one of `description`, `default`, `pattern`, `enum`, `secret` or `example`",
    ]);
  });

  it("a param whose body is not a mapping is still declared", () => {
    const text = `---\nid: r\nowner: team-db\nparams:\n  HOST: db-1\n  PORT: {default: "6379"}\n  TARGET: {}\n---\n# Redis\n${STEPS}`;
    expect(rows(text, "param-declared")).toEqual([]);
    expect(rows(text, "frontmatter-schema")).toHaveLength(1);
  });

  it("broken YAML is one finding: the params it still declares are known", () => {
    const text = `---\nid: r\nowner: team-db\nowner: again\nparams:\n  HOST: {}\n  PORT: {}\n  TARGET: {}\n---\n# Redis\n${STEPS}`;
    expect(lint(text).filter((d) => d.severity === "error").map((d) => d.ruleId)).toEqual(["yaml-syntax"]);
  });

  it("a bad key elsewhere leaves owner, requires and env known to their rules", () => {
    const text = `---\nid: r\nowner: TBD\nrequires: [no-such-tool-zz]\nenv: [KUBECONFIG]\nreview_every: soon\n---\n# R\n## Steps\n### A\n\`\`\`sh\nkubectl --kubeconfig "$KUBECONFIG" get pods\n\`\`\`\n`;
    const found = lintRunbook(buildRunbook("x.md", text), { commandExists: () => false }).map((d) => d.ruleId);
    expect(found).toEqual(expect.arrayContaining(["owner-placeholder", "requires-installed", "frontmatter-schema"]));
    expect(found).not.toContain("param-declared");
  });
});

describe("messages that lead to the fix", () => {
  const step = (info: string) => runbookExample(`## Steps\n### Promote {#promote-it}\n\`\`\`sh ${info}\nredis-cli replicaof no one\n\`\`\`\n### Tell {#tell}\n\`\`\`sh\necho done\n\`\`\`\n`);

  it("`irreversible` with no value says to write the reason, and is not also called a step with no rollback", () => {
    expect(rows(step("confirm irreversible"))).toEqual([
      '9:15 fence-attributes: `irreversible` needs the reason no rollback is possible: write `irreversible="why"`, e.g. `irreversible="a promoted standby cannot be demoted"`',
    ]);
    expect(rows(step('confirm irreversible=""'), "fence-attributes")).toEqual([
      '9:15 fence-attributes: `irreversible` needs the reason no rollback is possible: write `irreversible="why"`, e.g. `irreversible="a promoted standby cannot be demoted"`',
    ]);
  });

  it("a bad `parallel:` says what it takes, at its value", () => {
    for (const bad of ["0", "65", "2.5", "many"]) {
      expect(rows(`---\nid: r\nowner: team-db\nparallel: ${bad}\n---\n# R\n## Steps\n### A {#a}\n\`\`\`sh\ntrue\n\`\`\`\n`)).toEqual([
        "4:11 frontmatter-schema: Expected a whole number from 1 to 64 (steps at once; 1 runs them one at a time)",
      ]);
    }
  });

  it("an unknown attribute gets the nearest one, a shortened one included, else the list", () => {
    expect(rows(step("retry=3"))).toEqual(["9:7 fence-attributes: Unknown attribute `retry` (did you mean `retries`?)"]);
    expect(rows(step("confrim"))).toEqual(["9:7 fence-attributes: Unknown attribute `confrim` (did you mean `confirm`?)"]);
    expect(rows(step("sudo"))).toEqual([
      "9:7 fence-attributes: Unknown attribute `sudo`: expected one of `rollback`, `verify`, `confirm`, `timeout`, `retries`, `backoff`, `needs`, `capture`, `irreversible`, `cwd`, `on`, `batch`, `max_fail` or `parallel`",
    ]);
  });

  it("an attribute in the wrong form says how to write it", () => {
    expect(rows(step("confirm=yes"))).toEqual(["9:7 fence-attributes: `confirm` is a flag and takes no value: write `confirm` alone"]);
    expect(rows(step("confirm=no"))).toEqual(["9:7 fence-attributes: `confirm=no` does not turn it off: a flag takes no value; leave `confirm` out"]);
    expect(rows(step("timeout"))).toEqual(["9:7 fence-attributes: `timeout` needs a value: write `timeout=30s`"]);
  });

  it("an unknown step in needs= names the nearest id, else lists the steps", () => {
    const text = (need: string) => runbookExample(`## Steps\n### Check {#check}\n\`\`\`sh\ntrue\n\`\`\`\n### Promote it {#promote-it}\n\`\`\`sh\ntrue\n\`\`\`\n### Tell {#tell}\n\`\`\`sh needs=${need}\necho done\n\`\`\`\n`);
    expect(rows(text("promote"), "needs-known")).toEqual(["17:7 needs-known: Unknown step `promote` in needs= (did you mean `promote-it`?)"]);
    expect(rows(text("failover"), "needs-known")).toEqual(["17:7 needs-known: Unknown step `failover` in needs=: expected one of `check` or `promote-it`"]);
  });

  it("an unknown step in approvals.steps names the nearest id, else lists the steps, at the item's line and column", () => {
    const text = (steps: string) =>
      runbookExample(`## Steps\n### Scale {#scale}\n\`\`\`sh\ntrue\n\`\`\`\n### Promote {#promote}\n\`\`\`sh\ntrue\n\`\`\`\n`, `approvals:\n  required: 1\n  steps: ${steps}\n`);
    expect(rows(text("[scale, promte]"), "approvals-known")).toEqual(["6:18 approvals-known: Unknown step `promte` in approvals.steps (did you mean `promote`?)"]);
    expect(rows(text("\n    - failover"), "approvals-known")).toEqual(["7:7 approvals-known: Unknown step `failover` in approvals.steps: expected one of `scale` or `promote`"]);
    expect(rows(text("[scale, promote]"))).toEqual([]);
  });

  it("YAML 1.1 words where a boolean is expected say which word to write", () => {
    const secret = (v: string) => rows(runbookExample("## Steps\n### A\n```sh\necho \"$TOKEN\"\n```\n", `params:\n  TOKEN: {secret: ${v}}\n`), "frontmatter-schema");
    expect(secret("yes")).toEqual(["5:19 frontmatter-schema: `secret: yes` is text in YAML 1.2, not a boolean: write `secret: true`"]);
    expect(secret("on")).toEqual(["5:19 frontmatter-schema: `secret: on` is text in YAML 1.2, not a boolean: write `secret: true`"]);
    expect(secret("y")).toEqual(["5:19 frontmatter-schema: `secret: y` is text in YAML 1.2, not a boolean: write `secret: true`"]);
    expect(secret("No")).toEqual(["5:19 frontmatter-schema: `secret: No` is text in YAML 1.2, not a boolean: write `secret: false`"]);
    expect(secret("off")).toEqual(["5:19 frontmatter-schema: `secret: off` is text in YAML 1.2, not a boolean: write `secret: false`"]);
    expect(secret('"true"')).toEqual(['5:19 frontmatter-schema: `secret: "true"` is quoted text, not a boolean: write `secret: true` without quotes']);
    expect(secret("maybe")).toEqual(["5:19 frontmatter-schema: `secret` is `true` or `false`, found the text `maybe`"]);
  });

  it("an unknown frontmatter key gets the nearest key, else the list; a bad choice lists the choices", () => {
    expect(rows(runbookExample("## Steps\n", "ownr: x\n"), "frontmatter-schema")).toEqual(["4:1 frontmatter-schema: Unknown key `ownr` (did you mean `owner`?)"]);
    expect(rows(runbookExample("## Steps\n", "severity: high\n"), "frontmatter-schema")).toEqual([
      "4:1 frontmatter-schema: Unknown key `severity`: expected one of `id`, `title`, `owner`, `description`, `tags`, `review_every`, `review_in`, `last_verified`, `last_reviewed_on`, `verified_by`, `verified_commit`, `requires`, `shell`, `timeout`, `env`, `params`, `drill`, `targets`, `parallel` or `approvals`",
    ]);
    expect(rows(runbookExample("## Steps\n", "shell: fish\n"), "frontmatter-schema")).toEqual(["4:8 frontmatter-schema: Expected one of `bash`, `sh` or `zsh`, found `fish`"]);
    expect(rows(runbookExample("## Steps\n", "timeout: 30\n"), "frontmatter-schema")).toEqual(["4:10 frontmatter-schema: Expected a duration such as `500ms`, `30s`, `5m`, `2h`, `90d` or `2w`"]);
  });
});
