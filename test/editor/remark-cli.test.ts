import { cp, mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const FIXTURE = fileURLToPath(new URL("../fixtures/remark-cli", import.meta.url));
const REMARK = path.join(ROOT, "node_modules/remark-cli/cli.js");

/** A project that has `runbook` (and a JSON reporter) installed (a link to this checkout) and lists it in its .remarkrc. */
async function project(): Promise<string> {
  const dir = await tempDir("runbook-remark-");
  await cp(FIXTURE, dir, { recursive: true });
  await mkdir(path.join(dir, "node_modules"));
  await symlink(ROOT, path.join(dir, "node_modules/runbook"), "dir");
  // remark-cli finds reporters in the project, as it finds plugins.
  await symlink(path.join(ROOT, "node_modules/vfile-reporter-json"), path.join(dir, "node_modules/vfile-reporter-json"), "dir");
  await writeFile(path.join(dir, ".remarkrc.json"), JSON.stringify({ plugins: ["runbook/remark"] }));
  return dir;
}

type Point = { line: number; column: number };
interface Message { ruleId: string; source: string; fatal: boolean; place: Point | { start: Point; end: Point }; url: string; expected?: string[] }
const at = (m: Message) => ("start" in m.place ? [m.place.start.line, m.place.start.column, m.place.end.line, m.place.end.column] : [m.place.line, m.place.column]);

describe("remark-cli with runbook/remark in .remarkrc", () => {
  it("reports runbook findings with rule ids, places, docs links and fixes", async () => {
    const dir = await project();
    const r = await execa(process.execPath, [REMARK, ".", "--report", "json", "--no-stdout", "--frail"], { cwd: dir, reject: false });
    // remark-cli exits 1 when a file has an error.
    expect(r.exitCode).toBe(1);
    const files = JSON.parse(String(r.stderr)) as { path: string; messages: Message[] }[];
    const byPath = Object.fromEntries(files.map((f) => [f.path, f.messages]));
    expect(byPath["README.md"]).toEqual([]);
    expect(byPath["clean.md"]).toEqual([]);
    const typo = (byPath["typo.md"] ?? []).filter((m) => m.source === "runbook");
    expect(typo.map((m) => [m.ruleId, ...at(m), m.fatal, m.expected])).toEqual([
      ["stale-never-verified", 1, 1, false, undefined],
      ["param-used", 5, 3, false, undefined],
      ["fence-attributes", 11, 7, 11, 13, true, ["timeout"]],
      ["param-declared", 12, 7, 12, 14, true, ["$REGION"]],
    ]);
    expect(typo[2]?.url).toBe("https://github.com/runbook-dev/runbook/blob/main/docs/rules.md#fence-attributes");
  });
});
