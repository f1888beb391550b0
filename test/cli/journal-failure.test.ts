import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fence, marks, runbookProject, runIn } from "../helpers/runbooks.js";

// A really full disk: a 64 KiB tmpfs as the state folder. Mounting needs root (CI runs as root).
const canMount = process.getuid?.() === 0 && spawnSync("mount", ["--version"]).status === 0;
const mounted: string[] = [];
afterEach(() => {
  for (const m of mounted.splice(0)) spawnSync("umount", [m]);
});

describe.skipIf(!canMount)("a journal that cannot be written (skipped unless root: it mounts a tiny tmpfs)", () => {
  it("stops the run: no further step runs, and it says why", async () => {
    const p = await runbookProject(`## Steps\n### Loud {#loud}\n${fence("sh", "head -c 400000 /dev/zero | tr '\\\\0' x | fold -w 100")}### Next {#next}\n${fence("sh", 'echo next >> "$MARK"')}`);
    const state = path.join(p.dir, "tiny");
    mkdirSync(state);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", state]);
    mounted.push(state);
    const r = await runIn(p, ["run", "rb.md"], { RUNBOOK_STATE_DIR: state });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/cannot write journal .*the run stopped because it can no longer be recorded/);
    expect(marks(p.mark)).toEqual([]);
  });
});
