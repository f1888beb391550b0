import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const RUNBOOK = "---\nid: r\nowner: team-cache\n---\n# R\n\n## Steps\n### A\n```sh\ntrue\n```\n";

async function project(files: Record<string, string>): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await tempDir("runbook-config-");
  await mkdir(path.join(dir, ".git"));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return { dir, env: { RUNBOOK_STATE_DIR: path.join(dir, "state"), CI: "true" } };
}

describe("runbook.config.yaml errors", () => {
  it("are all reported at once, each with file:line:col, in file order", async () => {
    const p = await project({ "rb.md": RUNBOOK, "runbook.config.yaml": "rules:\n  title-presnt: off\n  param-used: warn\nstat_dir: x\nshare:\n  remot: origin\n  lease: 5\noutput_limit: big\n" });
    const r = await runMain(["lint", "rb.md"], { cwd: p.dir, env: p.env });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      [
        "runbook.config.yaml:2:3: Unknown rule `title-presnt` (did you mean `title-present`?)",
        "runbook.config.yaml:3:15: Expected one of `error`, `warning` or `off`, found `warn`",
        "runbook.config.yaml:4:1: Unknown key `stat_dir` (did you mean `state_dir`?)",
        "runbook.config.yaml:6:3: Unknown key `remot` under `share` (did you mean `remote`?)",
        "runbook.config.yaml:7:10: Expected a duration such as `500ms`, `30s`, `5m`, `2h`, `90d` or `2w`",
        "runbook.config.yaml:8:15: Expected a size such as 16MiB, 512KiB or 1GiB (or a number of bytes), from 2KiB to 1GiB",
        "runbook: runbook.config.yaml has 6 errors (listed above); fix them, then run again",
        "",
      ].join("\n"),
    );
  });

  it("lists the known keys and rules when none is close", async () => {
    const p = await project({ "rb.md": RUNBOOK, "runbook.config.yaml": "colour: true\nrules:\n  shellcheck: off\n" });
    const r = await runMain(["lint", "rb.md"], { cwd: p.dir, env: p.env });
    expect(r.stderr).toContain("runbook.config.yaml:1:1: Unknown key `colour`: expected one of `review_every`, `state_dir`, `runbooks`, `rules`, `output_limit`, `share`, `notify` or `approvals`\n");
    expect(r.stderr).toMatch(/runbook\.config\.yaml:3:3: Unknown rule `shellcheck`: expected one of `file-content`, `yaml-syntax`, .* or `runbook-id-unique`\n/);
  });
});
