import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { importRunbook } from "../../src/authoring/import/import-runbook.js";
import { isReadOnly } from "../../src/authoring/import/read-only.js";
import { isSecretName } from "../../src/authoring/import/secret-names.js";
import { lintRunbook } from "../../src/check/lint-runbook.js";
import { IRREVERSIBLE_PLACEHOLDER } from "../../src/check/rules/rollback-or-irreversible.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import type { Runbook } from "../../src/model/types.js";

const fixture = (p: string) => readFileSync(fileURLToPath(new URL(`../fixtures/import/${p}`, import.meta.url)), "utf8");
const imported = (text: string, file = "page.md") => {
  const r = importRunbook({ file, text });
  return { ...r, runbook: buildRunbook(file, r.text) };
};
const SWITCH = `curl -sX POST "$MARIADB_AQSH_URL/tasks/switch-primary" \\\n  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\\n  -d '{ "namespace": "mariadb-1", "target": "1", "dry_run": "false", "confirm": "true" }'`;

/** What makes an imported runbook safe to run: each command step asks first or only reads. */
function unsafeSteps(runbook: Runbook): string[] {
  return runbook.steps.filter((s) => s.command && !(s.confirm && s.irreversible === IRREVERSIBLE_PLACEHOLDER) && !isReadOnly(s.command.source)).map((s) => s.id);
}

describe("import never makes an unsafe runbook", () => {
  it("keeps the MariaDB page's Example (the real switch, dry_run false) as documentation, not a step", () => {
    const r = imported(fixture("null-ptr-exception__db-runbooks/docs/mariadb/switch-primary.md"), "switch-primary.md");
    expect(r.runbook.steps).toEqual([]);
    expect(r.report.needsHuman).toContain("no commands found: the page is kept as documentation; write its steps under `## Steps`");
    // Where it was, as it was: a bash fence under `## Example`, outside `## Steps`, so it never runs.
    expect(r.text).toContain('## Example\n\n```bash\n# plan — auto-pick the target (omit "target")\ncurl -sX POST');
    expect(r.runbook.shellBlocks.filter((b) => b.source.includes('"dry_run": "false"')).map((b) => [b.section, b.stepId])).toEqual([["other", undefined]]);
  });

  it("an Example inside the procedure is prose of the step beside it, its fence shown, never run", () => {
    const r = imported(`# Switch\n\n## Check the replicas\n\n\`\`\`sh\nkubectl get mariadb -o wide\n\`\`\`\n\n### Example\n\n\`\`\`bash\n${SWITCH}\n\`\`\`\n\n## Watch\n\n\`\`\`sh\nkubectl get pods -w\n\`\`\`\n`);
    expect(r.runbook.steps.map((s) => [s.id, s.command?.source])).toEqual([
      ["check-the-replicas", "kubectl get mariadb -o wide"],
      ["watch", "kubectl get pods -w"],
    ]);
    expect(r.runbook.steps[0]?.instructions).toContain("**Example**");
    expect(r.text).toContain(`**Example**\n\n\`\`\`text\n${SWITCH}\n\`\`\``);
  });

  it("the same block as a step of the procedure asks first, with a placeholder lint names", () => {
    const r = imported(`# Switch\n\n## Switch the primary\n\n\`\`\`bash\n${SWITCH}\n\`\`\`\n`);
    const step = r.runbook.steps[0];
    expect([step?.confirm, step?.irreversible]).toEqual([true, IRREVERSIBLE_PLACEHOLDER]);
    expect(r.report).toMatchObject({ confirm: 1, readOnly: 0, errors: [] });
    expect(r.report.needsHuman).toContain("1 step changes state, so it asks first (`confirm`): switch-the-primary; for each, write a `rollback` block or replace `irreversible=\"TODO…\"` with why it cannot be undone");
    const findings = lintRunbook(r.runbook).filter((d) => d.ruleId === "rollback-or-irreversible");
    expect(findings.map((d) => [d.severity, d.message])).toEqual([
      ["error", `Step \`switch-the-primary\`: \`irreversible="${IRREVERSIBLE_PLACEHOLDER}"\` is a placeholder: write a \`rollback\` block that undoes the command (\`\`\`sh rollback) and remove \`irreversible\`, or replace the placeholder with why it cannot be undone`],
    ]);
  });

  it("TOKEN, and other names of secrets, become secret params", () => {
    const r = imported('# Call\n\n## Trigger the task\n\n```sh\ncurl -s -H "Authorization: Bearer $TOKEN" "$API_URL/tasks" -o /dev/null\ncurl -s -u "admin:<db-password>" "$API_URL/health"\nkubectl -n "$NAMESPACE" get secret "$SECRET_NAME"\n```\n');
    expect(r.report.params).toEqual(["TOKEN", "API_URL", "DB_PASSWORD", "NAMESPACE", "SECRET_NAME"]);
    expect(r.report.secrets).toEqual(["TOKEN", "DB_PASSWORD"]);
    expect(r.text).toMatch(/^params:\n {2}TOKEN:\n {4}secret: true\n {2}API_URL: null\n {2}DB_PASSWORD:\n {4}secret: true\n {2}NAMESPACE: null\n {2}SECRET_NAME: null\n/m);
    expect(r.runbook.meta?.params?.TOKEN).toMatchObject({ secret: true });
    expect(r.report.needsHuman.join("\n")).toMatch(/secret params .*: TOKEN, DB_PASSWORD; take `secret: true` off any that is not a secret/);
  });

  it("names: TOKEN, PASSWORD, SECRET, KEY, PASSWD, CREDENTIAL, AUTH… are secrets; where one is kept is not", () => {
    for (const n of ["TOKEN", "GITLAB_TOKEN", "PGPASSWORD", "DB_PASSWD", "API_KEY", "AWS_SECRET_ACCESS_KEY", "GOOGLE_CREDENTIALS", "AUTH_HEADER", "DB_PASS", "ADMIN_PWD", "SESSION_COOKIE", "TLS_PRIVATE_KEY", "otp"]) expect(isSecretName(n), n).toBe(true);
    for (const n of ["NAMESPACE", "POD", "SECRET_NAME", "TOKEN_FILE", "KEY_PATH", "PASSIVE_MODE", "BYPASS_CACHE", "HOST"]) expect(isSecretName(n), n).toBe(false);
  });

  it("GitLab's scale-down page: Step 3 without a command is a manual step, titles are the headings", () => {
    const r = imported(fixture("mattrussi__gitlab-com-runbooks/docs/patroni/scale-down-patroni.md"), "scale-down-patroni.md");
    expect(r.runbook.steps.map((s) => [s.title, s.manual, s.confirm])).toEqual([
      ["Preparation", true, false],
      ["Step 1 - Stop chef-client", false, true],
      ["Step 2 - Take the replicate node out of load balancing", false, false],
      ["Step 3 - Stop patroni service on the node", true, false],
      ["Step 4 - Terraform change to decrease the count", true, false],
    ]);
    const step3 = r.runbook.steps[3];
    expect(step3?.id).toBe("step-3-stop-patroni-service-on-the-node");
    expect(step3?.instructions).toContain("Now it is save to stop the patroni service on this node.");
    // Nothing of the procedure is left for after the steps: no Notes section.
    expect(r.text).not.toContain("## Notes");
    expect(r.text).toMatch(/### Step 4 - Terraform change to decrease the count \{#step-4-terraform-change-to-decrease-the-count\}[\s\S]*\n## Automation Thoughts\n/);
    expect(r.report).toMatchObject({ steps: 5, confirm: 1, readOnly: 1, manual: 3, errors: [] });
  });

  it("a step's title is its heading, not the sentence before its command", () => {
    const r = imported("# Restart\n\n## Restart the API\n\nFirst, on the bastion host, run:\n\n```sh\nsystemctl restart api\n```\n\n## Check it\n\n- On the replica node run: `kubectl get pods -l app=api`\n- Then look at the logs: `kubectl logs deploy/api`\n");
    expect(r.runbook.steps.map((s) => [s.id, s.title])).toEqual([
      ["restart-the-api", "Restart the API"],
      ["check-it-1", "Check it (1)"],
      ["check-it-2", "Check it (2)"],
    ]);
    expect(r.runbook.steps[1]?.instructions).toContain("On the replica node run:");
  });

  it("a heading of the procedure without a command after the last one is a manual step, not a note", () => {
    const r = imported("# Failover\n\n## Meaning\n\nThe primary is down.\n\n## Diagnosis\n\n```sh\npatronictl list\n```\n\n## Mitigation\n\nPage the DBA on call.\n\n## References\n\n- the docs\n");
    expect(r.runbook.steps.map((s) => [s.id, s.manual])).toEqual([
      ["diagnosis", false],
      ["mitigation", true],
    ]);
    expect(r.text).toMatch(/## References\n\n- the docs\n$/);
    expect(r.text).toMatch(/^## Meaning$/m);
  });
});

/** Markdown pages built from the pieces real runbooks are made of, commands safe and not. */
const page = (() => {
  const word = fc.constantFrom("kubectl", "oc", "curl", "psql", "sudo", "xargs", "eval", "rm", "cat", "grep", "echo", "systemctl", "jq", "$CMD", "git", "mysql", "awk", "ssh", "helm");
  const arg = fc.constantFrom("get", "delete", "pods", "-n", "$NS", "-X", "POST", "-d", "'{}'", "-c", "'select 1'", "'drop table t'", "status", "restart", "-o", "out.txt", "--force", "'{print $1}'", "x", '"$(rm -rf /)"', "$(kubectl get pods)", "-sXPOST", "<namespace>", "$TOKEN");
  const op = fc.constantFrom(" | ", " && ", "; ", " || ", "\n", " > out ", " 2>&1 | ", " >/dev/null ", " & ", " <<EOF\nbody $(rm x)\nEOF\n", " `date` ");
  const simple = fc.tuple(word, fc.array(arg, { maxLength: 4 })).map(([w, a]) => [w, ...a].join(" "));
  const command = fc.tuple(simple, fc.array(fc.tuple(op, simple), { maxLength: 3 })).map(([first, rest]) => first + rest.map(([o, c]) => o + c).join(""));
  const lang = fc.constantFrom("sh", "bash", "console", "shell", "", "text", "zsh");
  const fence = fc.tuple(lang, fc.boolean(), command).map(([l, prompt, c]) => `\`\`\`${l}\n${prompt ? `$ ${c.replace(/\n/g, "\n$ ")}\noutput line` : c}\n\`\`\``);
  const heading = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom("Example", "Step 3 – Stop patroni", "Diagnosis", "Mitigation", "Notes", "References", "Execution", "Sample output", "1. Fence", "Steps", "Rollback", "Prerequisites", "e.g. this", "Overview")).map(([d, t]) => `${"#".repeat(d)} ${t}`);
  const prose = fc.constantFrom("Do the thing.", "Run `kubectl delete pod x` to fix it.", "- item `kubectl get pods -n x`\n- other", "1. First `sudo systemctl restart kubelet`\n2. Then wait", "> quoted", "");
  const block = fc.oneof(heading, fence, prose, fc.tuple(prose, fence).map(([p, f]) => `- ${p}\n\n  ${f.replace(/\n/g, "\n  ")}`));
  return fc.array(block, { maxLength: 14 }).map((blocks) => blocks.join("\n\n"));
})();

describe("import, any page", () => {
  it("never throws, and every command step it writes asks first or is on the read-only list", () => {
    fc.assert(
      fc.property(page, (text) => {
        const r = importRunbook({ file: "p.md", text });
        const runbook = buildRunbook("p.md", r.text);
        expect(unsafeSteps(runbook)).toEqual([]);
        // What it wrote is what it reported.
        expect(runbook.steps.filter((s) => s.confirm).length).toBe(r.report.confirm);
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const r = importRunbook({ file: "p.md", text });
        expect(unsafeSteps(buildRunbook("p.md", r.text))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
