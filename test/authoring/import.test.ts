import { execSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { importRunbook } from "../../src/authoring/import/import-runbook.js";
import { isReadOnly } from "../../src/authoring/import/read-only.js";
import { IRREVERSIBLE_PLACEHOLDER } from "../../src/check/rules/rollback-or-irreversible.js";
import { buildRunbook } from "../../src/model/build-runbook.js";
import { runMain } from "../helpers/cli.js";
import { gitRepo } from "../helpers/git.js";
import { tempDir } from "../helpers/tmp.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/import", import.meta.url));
// RUNBOOK_CORPUS points at it from a worktree elsewhere (e.g. /work/shared/corpus).
const CORPUS = process.env.RUNBOOK_CORPUS ?? fileURLToPath(new URL("../../../shared/corpus", import.meta.url));

interface Report { steps: number; confirm: number; readOnly: number; manual: number; params: string[]; secrets: string[]; env: string[]; needsHuman: string[]; errors: string[] }
interface Json { files: { file: string; out: string; status: string; report: Report }[]; summary: { files: number; ready: number; withoutSteps: number; confirm: number; readOnly: number } }
interface LintJson { files: { file: string; diagnostics: { ruleId: string; severity: string; line: number; message: string }[] }[] }

/** Every command step of an imported runbook asks first (with the placeholder to fill) or is read-only. */
function expectSafe(file: string, text: string): void {
  for (const step of buildRunbook(file, text).steps) {
    if (!step.command) continue;
    if (step.confirm) expect(step.irreversible, `${file} ${step.id}`).toBe(IRREVERSIBLE_PLACEHOLDER);
    else expect(isReadOnly(step.command.source), `${file} ${step.id}: ${step.command.source}`).toBe(true);
  }
}

/**
 * Every word of the original is somewhere in the result: import moves text, it never drops it.
 * Three exceptions: a fence's language (`console` becomes `sh` on purpose), `mailto:` in a link to
 * an address, which remark writes as the equivalent `<address>`, and character references
 * (`&nbsp;`), which it writes as the characters.
 */
function missingWords(original: string, result: string): string[] {
  const words = (t: string) => t.replace(/^([ \t>]*)(`{3,}|~{3,})[ \t]*[\w+-]+/gm, "$1$2").replace(/\(mailto:/g, "(").replace(/&#?\w+;/g, " ").toLowerCase().match(/[a-z0-9]{3,}/g) ?? [];
  const have = new Set(words(result));
  return [...new Set(words(original))].filter((w) => !have.has(w));
}

describe("runbook import over real pages of different styles", () => {
  it("converts each into a runbook that lints clean but for the placeholders to fill, keeping every word", async () => {
    const out = await tempDir("runbook-import-");
    const r = await runMain(["import", FIXTURES, "--out", out, "--format", "json"], { cwd: out });
    expect([r.exitCode, r.stderr]).toEqual([0, ""]);
    const j = JSON.parse(r.stdout) as Json;
    const report = (name: string) => j.files.find((f) => f.file.endsWith(name))!;

    const lint = JSON.parse((await runMain(["lint", ".", "--format", "json"], { cwd: out })).stdout) as LintJson;
    const errors = Object.fromEntries(lint.files.map((f) => [f.file, f.diagnostics.filter((d) => d.severity === "error")]));
    for (const f of j.files) {
      const original = await readFile(f.file, "utf8");
      const result = await readFile(f.out, "utf8");
      expect(missingWords(original, result), f.file).toEqual([]);
      expectSafe(f.out, result);
      const allowed = f.report.steps ? ["owner-placeholder", "rollback-or-irreversible"] : ["owner-placeholder", "steps-section"];
      const left = errors[path.relative(out, f.out)] ?? [];
      expect(left.filter((e) => !allowed.includes(e.ruleId)), f.out).toEqual([]);
      // The only rollback-or-irreversible findings are the placeholders, each saying what to write.
      for (const e of left.filter((d) => d.ruleId === "rollback-or-irreversible")) expect(e.message).toMatch(/is a placeholder: write a `rollback` block .* or replace the placeholder with why it cannot be undone/);
      expect(left.filter((d) => d.ruleId === "rollback-or-irreversible")).toHaveLength(f.report.confirm);
      expect(f.report.errors).toEqual(f.report.steps ? [] : [expect.stringMatching(/^steps-section /)]);
    }

    // What import writes is already canonical.
    const fmt = await runMain(["fmt", "--check", "."], { cwd: out });
    expect([fmt.exitCode, fmt.stdout]).toEqual([0, ""]);

    // console blocks without prompts: commands; <SA_NAME> inside double quotes: a variable.
    const acm = report("ACMUWLMetricsCollectorFederationError.md");
    expect(acm.report).toMatchObject({ steps: 8, params: ["SA_NAME"] });
    const acmText = await readFile(acm.out, "utf8");
    expect(acmText).toContain("### 1. Verify User Workload Monitoring is enabled {#verify-user-workload-monitoring-is-enabled}\n\nBefore investigating");
    expect(acmText).toContain('```sh\noc get clusterrolebindings -o yaml | grep -B 10 -A 10 "${SA_NAME}"\n```');

    // Inline commands in a bulleted list become steps titled by their heading, not by the sentence
    // before the command; the prose-only Mitigation after them is a manual step; read-only kubectl
    // runs without confirm; Hugo's `weight` is kept as imported metadata.
    const crash = report("KubePodCrashLooping.md");
    expect(crash.report).toMatchObject({ steps: 4, confirm: 0, readOnly: 3, manual: 1, params: ["NAMESPACE", "POD", "CONTAINER"] });
    const crashText = await readFile(crash.out, "utf8");
    expect(crashText).toMatch(/^---\nid: kube-pod-crash-looping\ntitle: Kube Pod Crash Looping\nowner: "TODO: owning team"\n/);
    expect(crashText).toContain("### Diagnosis (1) {#diagnosis-1}\n\nCheck template via `kubectl -n $NAMESPACE get pod $POD`.\n\n```sh\nkubectl -n $NAMESPACE get pod $POD\n```");
    expect(crashText).toContain("### Mitigation {#mitigation}\n\nTalk with developers");
    expect(crashText).toContain("## Imported metadata");

    // $ prompts in list items, <placeholders>, a value set in one step and used in the next.
    const cdi = report("CDIDataImportCronOutdated.md");
    expect(cdi.report.params).toEqual(expect.arrayContaining(["NAMESPACE", "DATAIMPORTCRON", "DATAVOLUME"]));
    expect(cdi.report.needsHuman.join("\n")).toMatch(/placeholders turned into params: <namespace> → \$NAMESPACE/);
    expect(cdi.report.needsHuman.join("\n")).toMatch(/capture=.*\$CDI_NAMESPACE/);
    expect(await readFile(cdi.out, "utf8")).not.toMatch(/^\s*\$ /m);

    // A prompt with its output: the output is split off into a text block after the command.
    const reindex = await readFile(report("postgres-automatic-reindexing.md").out, "utf8");
    expect(reindex).toContain(`\`\`\`sh confirm irreversible="${IRREVERSIBLE_PLACEHOLDER}"\ngitlab-rake gitlab:db:enqueue_reindexing_action[public.index_merge_request_diff_commits_on_sha]\n\`\`\`\n\n\`\`\`text\nQueued reindexing action:`);

    // GOV.UK: owner from owner_slack, the page's other keys kept, plain fences of well-known commands run.
    const slug = report("changing-organisation-slug.html.md");
    expect(slug.out).toMatch(/changing-organisation-slug\.md$/);
    const slugText = await readFile(slug.out, "utf8");
    expect(slugText).toMatch(/^---\nid: changing-organisation-slug\ntitle: Change an organisation's slug\nowner: "#govuk-developers"\n---/);
    expect(slugText).toContain("layout: manual_layout");
    expect(slug.report.steps).toBeGreaterThan(0);

    // Guidance with no commands stays documentation, and says so.
    expect(report("best-practices-for-handling-credentials.html.md").report).toMatchObject({ steps: 0, needsHuman: [expect.stringMatching(/^no commands found/)] });
  }, 120_000);

  it("takes the owner from CODEOWNERS, prints one file to stdout, and refuses a folder without --out", async () => {
    const repo = await gitRepo();
    await repo.write(".github/CODEOWNERS", "*  @org/all\n/ops/db/ @org/dba\n");
    await repo.write("ops/db/failover.md", "# Failover\n\n## Do it\n\n```console\n$ pg_ctl promote -D <data-dir>\nserver promoting\n```\n");
    const r = await runMain(["import", "ops/db/failover.md"], { cwd: repo.dir });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`---\nid: failover\ntitle: Failover\nowner: "@org/dba"\nparams:\n  DATA_DIR: null\n---\n\n# Failover\n\n## Steps\n\n### Do it {#do-it}\n\n\`\`\`sh confirm irreversible="${IRREVERSIBLE_PLACEHOLDER}"\npg_ctl promote -D "\${DATA_DIR}"\n\`\`\`\n\n\`\`\`text\nserver promoting\n\`\`\`\n`);
    expect(r.stderr).toContain("ops/db/failover.md: 1 step (1 ask first, 0 read-only, 0 manual), 1 params\n");
    const folder = await runMain(["import", "ops"], { cwd: repo.dir });
    expect([folder.exitCode, folder.stderr]).toEqual([2, "runbook: Importing a folder writes many files: give --out <folder>\n"]);
    await writeFile(path.join(repo.dir, "ops/db/README.md"), "# Also a failover\n");
    const two = JSON.parse((await runMain(["import", "ops", "--out", "out", "--format", "json"], { cwd: repo.dir })).stdout) as Json;
    expect(two.files.map((f) => f.out).sort()).toEqual(["out/db/README.md", "out/db/failover.md"]);
  });

  // ../shared/corpus exists on the project's machines and in CI, not in a user's clone.
  it.skipIf(!existsSync(CORPUS))("imports every page of ../shared/corpus without losing a word, every command step asking first or read-only; over half become runbooks", () => {
    const files = execSync(`find "${CORPUS}" -type f \\( -name '*.md' -o -name '*.md.erb' \\)`, { encoding: "utf8" }).trim().split("\n");
    const n = { ready: 0, withSteps: 0, confirm: 0, readOnly: 0, manual: 0, secrets: 0 };
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const r = importRunbook({ file, text });
      expect(missingWords(text, r.text), file).toEqual([]);
      expectSafe(file, r.text);
      if (r.report.steps > 0) n.withSteps++;
      if (r.report.steps > 0 && r.report.errors.length === 0) n.ready++;
      n.confirm += r.report.confirm;
      n.readOnly += r.report.readOnly;
      n.manual += r.report.manual;
      n.secrets += r.report.secrets.length;
    }
    const pct = (x: number) => `${((100 * x) / files.length).toFixed(1)}%`;
    console.log(`import: ${n.ready} of ${files.length} corpus files (${pct(n.ready)}) become runbooks with steps and no lint error but the placeholders to fill (owner, irreversible); ${n.withSteps} with steps; command steps: ${n.confirm} ask first (confirm), ${n.readOnly} read-only; ${n.manual} manual steps; ${n.secrets} secret params`);
    expect(n.ready / files.length).toBeGreaterThan(0.5);
    // About 20 s on a quiet machine; shared machines run several suites at once.
  }, 600_000);
  if (!existsSync(CORPUS)) console.warn(`import corpus test skipped: ${CORPUS} does not exist (it is only on the project's machines)`);
});
