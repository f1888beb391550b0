import { writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { fence, journalEvents, marks, runbookProject } from "../helpers/runbooks.js";
import { hasTmux, tmuxRequired, TmuxSession } from "../helpers/tmux.js";

const sessions: TmuxSession[] = [];
afterEach(() => sessions.splice(0).forEach((s) => s.kill()));

/** A step that prints a line, then waits for the test's go file, then prints its last line. */
const waiting = (id: string) => `echo ${id}-begin >> "$MARK"; echo ${id} is at work; while [ ! -e "$MARK.go" ]; do sleep 0.05; done; echo ${id} is done`;

describe.skipIf(!hasTmux && !tmuxRequired)("steps at once in a real terminal (tmux, 80x24)", () => {
  it("asks one question at a time, each naming its step, while the other step runs; shows each live step's output", async () => {
    const body = [
      `### Start {#start}\n${fence("sh", 'echo start >> "$MARK"')}`,
      `### Left {#left}\n${fence("sh confirm needs=start", waiting("left"))}${fence("sh rollback", "true")}`,
      `### Right {#right}\n${fence("sh confirm needs=start", waiting("right"))}${fence("sh rollback", "true")}`,
      `### Join {#join}\n${fence("sh needs=left,right", 'echo join >> "$MARK"')}`,
    ].join("");
    const p = await runbookProject(`## Steps\n${body}`, "parallel: 2\n");
    const t = new TmuxSession(["run", "rb.md"], { cwd: p.dir, env: p.env, width: 80, height: 24 });
    sessions.push(t);
    await t.waitFor(/Check the params before the run starts/);
    t.send("s");
    // Both are ready once start is done: one question, naming its step.
    const first = await t.waitFor(/left: Run this step\?/);
    expect(first).not.toMatch(/right: Run this step\?/);
    expect(marks(p.mark)).toEqual(["start"]);
    t.send("y");
    // The second question comes while the first step runs.
    const second = await t.waitFor(/right: Run this step\?/);
    expect(second).not.toMatch(/left: Run this step\?/);
    process.stdout.write(`the second question while the first step runs, 80x24:\n${second}\n`);
    expect(marks(p.mark)).toEqual(["start", "left-begin"]);
    t.send("y");
    // Both in flight: each with its own output pane.
    const both = await t.waitFor(/output of left[\s\S]*left is at work[\s\S]*output of right[\s\S]*right is at work/);
    process.stdout.write(`two steps at once, 80x24:\n${both}\n`);
    expect(both).not.toMatch(/Run this step\?/);
    writeFileSync(`${p.mark}.go`, "");
    await t.waitFor(/Run completed/);
    expect(await t.exitCode()).toBe(0);
    expect(marks(p.mark)).toEqual(["start", "left-begin", "right-begin", "join"]);
    const answers = journalEvents(p.state).filter((e) => e.type === "answer").map((e) => `${String(e.target)}:${String(e.answer)}`);
    expect(answers).toEqual(["left:yes", "right:yes"]);
  });
});
