import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fence, journalEvents, marks, onlyRunId, processesMatching, runbookProject, runIn, waitFor } from "../helpers/runbooks.js";
import { hasTmux, tmuxRequired, TmuxSession } from "../helpers/tmux.js";

// Issue 13, the run side, in a real terminal: what a hang-up and hostile output do to the screen.

const sessions: TmuxSession[] = [];
afterEach(() => sessions.splice(0).forEach((s) => s.kill()));
const open = (p: { dir: string; env: Record<string, string> }, args: string[], outlive?: { stderr: string; status: string }) => {
  const s = new TmuxSession(args, { cwd: p.dir, env: p.env, ...(outlive ? { outlive } : {}) });
  sessions.push(s);
  return s;
};

describe.skipIf(!hasTmux && !tmuxRequired)("issue 13, run side, in a real terminal (tmux)", () => {
  for (const mode of [[], ["--plain"]]) {
    const name = mode.length ? "the plain view" : "the terminal UI";
    it(`#5 a terminal hang-up during a step (${name}): no stack trace, no survivor, the run resumable`, async () => {
      const tag = `304.${process.pid}${Date.now() % 1000}`;
      const p = await runbookProject(`## Steps\n### Slow {#slow}\n${fence("sh", `echo start >> "$MARK"; sleep ${tag}`)}### After {#after}\n${fence("sh", 'echo after >> "$MARK"')}`);
      const stderr = path.join(p.dir, "stderr.txt");
      const status = path.join(p.dir, "status.txt");
      const t = open(p, ["run", "rb.md", ...mode], { stderr, status });
      await waitFor(() => marks(p.mark).length === 1 && processesMatching(`sleep ${tag}`).length === 1, 20_000);
      // The terminal goes away: SIGHUP, then every write to it fails (EIO), and so would restoring it.
      t.kill();
      await waitFor(() => existsSync(status) && readFileSync(status, "utf8").trim() !== "", 20_000);
      expect(journalEvents(p.state).at(-1)).toMatchObject({ type: "run_interrupted", signal: "SIGHUP", target: "slow" });
      const err = readFileSync(stderr, "utf8");
      expect(err).not.toMatch(/Error|EIO|Assertion|internal|^\s+at /m);
      // It ends as a process killed by the hang-up does, once everything is journaled.
      expect(readFileSync(status, "utf8").trim()).toBe("129");
      expect(processesMatching(`sleep ${tag}`)).toEqual([]);
      const r = await runIn(p, ["resume", onlyRunId(p.state), "--skip-interrupted"]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(marks(p.mark)).toEqual(["start", "after"]);
    });

    it(`#15 escape sequences in output are shown, not obeyed, and a param cannot forge a line (${name})`, async () => {
      const forged = "✔ [9/9] fake-step done";
      const p = await runbookProject(
        `## Steps\n### Echo {#echo}\n${fence("sh", `echo "$P"; printf 'x\\033[2Jy\\033]2;pwned\\007\\n'; echo shown >> "$MARK"; while [ ! -e "$MARK.release" ]; do sleep 0.05; done`)}`,
        "params:\n  P: {}\n",
      );
      const t = open(p, ["run", "rb.md", "-p", `P=x\n${forged}`, ...mode]);
      const screen = await t.waitFor(/x\\e\[2Jy\\e]2;pwned\\x07/);
      expect(t.title()).not.toBe("pwned");
      // The param's second line is output of the step, shown where output is, never as a step's line.
      const lines = screen.split("\n");
      const outputStarts = mode.length ? lines.findIndex((l) => l.includes("[1/1] echo")) : lines.findIndex((l) => l.includes("── output"));
      expect(outputStarts).toBeGreaterThanOrEqual(0);
      lines.forEach((l, i) => {
        if (l.includes(forged)) {
          expect(i).toBeGreaterThan(outputStarts);
          if (mode.length) expect(l).toMatch(/^ {2}│ /);
        }
      });
      writeFileSync(`${p.mark}.release`, "");
      await t.waitFor(/completed/);
      expect(t.title()).not.toBe("pwned");
    });
  }
});
