import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fence, runbookProject, runIn } from "../helpers/runbooks.js";

// Issue 13, case 13: param names that are also Object.prototype's (toString, constructor, valueOf, __proto__).
describe("params named like Object.prototype's members (real processes)", () => {
  it("a required `toString` is still required, a `valueOf` default is used, and `constructor` given but undeclared is refused", async () => {
    const p = await runbookProject(`## Steps\n### Echo\n${fence("sh", 'printf "%s|%s" "$toString" "$valueOf" > "$MARK"')}`, "params:\n  toString: {}\n  valueOf: {default: from-default}\n");
    const missing = await runIn(p, ["run", "rb.md"]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("Missing required param `toString`");

    const ok = await runIn(p, ["run", "rb.md", "-p", "toString=given"]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(readFileSync(p.mark, "utf8")).toBe("given|from-default");

    for (const name of ["constructor", "__proto__", "hasOwnProperty"]) {
      const r = await runIn(p, ["run", "rb.md", "-p", "toString=x", "-p", `${name}=y`]);
      expect(r.exitCode, name).toBe(2);
      expect(r.stderr).toContain(`Unknown param \`${name}\``);
    }
  });

  it("a `__proto__` param is a lint error at its key, not a param that silently vanishes", async () => {
    const p = await runbookProject(`## Steps\n### Echo\n${fence("sh", 'echo "$MARK"')}`, "params:\n  __proto__: {default: x}\n");
    const r = await runIn(p, ["lint", "rb.md"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/6:3\s+error\s+Param name `__proto__` is not allowed/);
  });

  it("a `__proto__` rule in runbook.config.yaml is an unknown rule, not a setting that silently vanishes", async () => {
    const p = await runbookProject(`## Steps\n### Echo\n${fence("sh", 'echo "$MARK"')}`);
    writeFileSync(path.join(p.dir, "runbook.config.yaml"), "rules:\n  __proto__: off\n");
    const r = await runIn(p, ["lint", "rb.md"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("runbook.config.yaml:2:3: Unknown rule `__proto__`");
  });
});
