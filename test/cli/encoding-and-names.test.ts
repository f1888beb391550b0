import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fence, runbookProject, runIn } from "../helpers/runbooks.js";

// Issue 13, case 20.
describe("invalid UTF-8 in a shell block, and reserved param names (real files and processes)", () => {
  it("invalid UTF-8 inside a shell block is a lint error at its byte, and run refuses the runbook", async () => {
    const p = await runbookProject("");
    const head = Buffer.from("---\nid: enc\nowner: o\n---\n# Enc\n## Steps\n### Make\n```sh\ntouch ok-");
    // 0xC3 0x28 is an invalid two-byte sequence; 0xFF is never valid in UTF-8.
    writeFileSync(p.file, Buffer.concat([head, Buffer.from([0xc3, 0x28, 0xff]), Buffer.from("\n```\n")]));
    const lint = await runIn(p, ["lint", "rb.md"]);
    expect(lint.exitCode).toBe(1);
    expect(lint.stdout).toMatch(/9:10\s+error\s+Invalid UTF-8 .* in a shell block.*shell-block-utf8/);
    const run = await runIn(p, ["run", "rb.md"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("shell-block-utf8");
    expect(existsSync(path.join(p.dir, "ok-\uFFFD("))).toBe(false);
  });

  it("refuses every name that changes how the shell, git or the C library behaves", async () => {
    const names = ["GCONV_PATH", "BASH_XTRACEFD", "BASH_LOADABLES_PATH", "GIT_SSH_COMMAND", "EXECIGNORE", "POSIXLY_CORRECT", "BASH_COMPAT"];
    const p = await runbookProject(`## Steps\n### A\n${fence("sh", names.map((n) => `echo "$${n}"`).join("\n"))}`, `params:\n${names.map((n) => `  ${n}: {default: x}\n`).join("")}`);
    const r = await runIn(p, ["lint", "rb.md"]);
    expect(r.exitCode).toBe(1);
    for (const n of names) expect(r.stdout).toContain(`Param name \`${n}\` is reserved`);
  });
});
