import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fence, journalEvents, journalFiles, marks, onlyRunId, runbookProject, runIn } from "../helpers/runbooks.js";

describe("run core defects", () => {
  it("--dry-run fails with exit 2 on a bad param value, and a control character in -p is refused", async () => {
    const p = await runbookProject(`## Steps\n### A\n${fence("sh", 'echo "$PORT"')}`, "params:\n  PORT: {pattern: '^[0-9]+$'}\n");
    const bad = await runIn(p, ["run", "rb.md", "--dry-run", "-p", "PORT=abc"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("does not match");
    expect((await runIn(p, ["run", "rb.md", "--dry-run", "-p", "PORT=5432"])).exitCode).toBe(0);
    const cr = await runIn(p, ["run", "rb.md", "-p", "PORT=5432\r"]);
    expect(cr.exitCode).toBe(2);
    expect(cr.stderr).toContain("param `PORT` holds a control character (U+000D)");
    expect(journalFiles(p.state)).toEqual([]);
  });

  it("an empty journal (a crash before its first event, from an older version) is refused with a message, never an internal error", async () => {
    const p = await runbookProject(`## Steps\n### A\n${fence("sh", "true")}`);
    const id = "20261128T000000Z-test-rb-abcd";
    mkdirSync(path.join(p.state, "runs"), { recursive: true });
    writeFileSync(path.join(p.state, "runs", `${id}.jsonl`), "");
    for (const cmd of ["resume", "rollback", "log"]) {
      const r = await runIn(p, [cmd, id]);
      expect(r.exitCode, cmd).toBe(2);
      expect(r.stderr, cmd).not.toContain("internal error");
      expect(r.stderr, cmd).toContain("holds no event");
    }
  });

  it("rollback --dry-run lists what would be undone, in order, and undoes nothing", async () => {
    const step = (id: string, fail = false) => `### ${id} {#${id}}\n${fence("sh", fail ? "exit 1" : `echo ${id} >> "$MARK"`)}${fence("sh rollback", `echo undo-${id} >> "$MARK"`)}`;
    const p = await runbookProject(`## Steps\n${step("a")}${step("b")}${step("c", true)}## Rollback\n${fence("sh", "echo all >> \"$MARK\"")}`);
    expect((await runIn(p, ["run", "rb.md"])).exitCode).toBe(1);
    const r = await runIn(p, ["rollback", onlyRunId(p.state), "--dry-run"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/1\. c: c: echo undo-c >> "\$MARK"\n +2\. b: b: .*\n +3\. a: a: .*\n +4\. runbook rollback 1: echo all/);
    expect(marks(p.mark)).toEqual(["a", "b"]);
  });

  it("--from and --only run a part of a runbook; the rest is journaled as assumed done and shown so", async () => {
    const body = ["a", "b", "c"].map((id) => `### ${id} {#${id}}\n${fence("sh", `echo ${id} >> "$MARK"`)}`).join("");
    const p = await runbookProject(`## Steps\n${body}`);
    const r = await runIn(p, ["run", "rb.md", "--from", "b"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(marks(p.mark)).toEqual(["b", "c"]);
    expect(r.stdout).toContain("↷ [1/3] a assumed done by the operator");
    expect(r.stdout).toMatch(/a +assumed/);
    const unknown = await runIn(p, ["run", "rb.md", "--only", "a,cc"]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("--only: no step `cc` (did you mean `c`?)");
  });
});

describe("inherited environment (env: in the frontmatter)", () => {
  it("refuses to start when a declared variable is not set; journals its name, never its value", async () => {
    const p = await runbookProject(`## Steps\n### Use {#use}\n${fence("sh", 'echo "$KUBE_TEST_CONFIG" >> "$MARK"')}`, "env: [KUBE_TEST_CONFIG]\n");
    const refused = await runIn(p, ["run", "rb.md"]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("KUBE_TEST_CONFIG is not set, and the runbook needs it");
    expect(journalFiles(p.state)).toEqual([]);
    const ok = await runIn(p, ["run", "rb.md"], { KUBE_TEST_CONFIG: "/tmp/kube-config-for-test" });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(marks(p.mark)).toEqual(["/tmp/kube-config-for-test"]);
    expect(journalEvents(p.state)[0]).toMatchObject({ type: "run_started", env: ["KUBE_TEST_CONFIG"] });
    expect(readFileSync(journalFiles(p.state)[0]!, "utf8")).not.toContain("kube-config-for-test");
  });
});
