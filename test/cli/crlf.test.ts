import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fence, journalEvents, marks, runbookProject, runIn } from "../helpers/runbooks.js";

// Issue 13, case 4: CRLF runbooks ran every line with a trailing `\r`.
describe("a CRLF runbook (real processes)", () => {
  it("runs its blocks with LF line ends, and journals the hash of the file's own bytes", async () => {
    const p = await runbookProject(
      "## Steps\n" +
        `### Touch\n${fence("sh", "touch made")}` +
        `### Head\n${fence("sh", 'printf "1\\n2\\n3\\n" | head -2 >> "$MARK"')}` +
        `### Branch\n${fence("bash", 'if [ -e made ]; then\n  echo "if-ok" >> "$MARK"\nfi')}`,
    );
    const bytes = Buffer.from(readFileSync(p.file, "utf8").replace(/\n/g, "\r\n"));
    writeFileSync(p.file, bytes);

    expect((await runIn(p, ["lint", "rb.md"])).exitCode).toBe(0);
    const r = await runIn(p, ["run", "rb.md"]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(existsSync(path.join(p.dir, "made"))).toBe(true);
    expect(existsSync(path.join(p.dir, "made\r"))).toBe(false);
    expect(marks(p.mark)).toEqual(["1", "2", "if-ok"]);
    const started = journalEvents(p.state).find((e) => e.type === "run_started") as { runbook: { sha256: string } } | undefined;
    expect(started?.runbook.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
  });
});
