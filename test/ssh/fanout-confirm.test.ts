import { afterEach, describe, expect, it } from "vitest";
import { fence, journalEvents, marks, runbookProject, runIn } from "../helpers/runbooks.js";
import { hasSshd, labsFor, sshdRequired } from "../helpers/sshd.js";
import { hasTmux, tmuxRequired, TmuxSession } from "../helpers/tmux.js";

const APPS = ["app-1", "app-2", "app-3", "app-4", "app-5"];
const lab = labsFor(APPS);
const sessions: TmuxSession[] = [];
afterEach(() => sessions.splice(0).forEach((s) => s.kill()));
const GROUPS = `targets:\n  app: [${APPS.join(", ")}]\n`;
const DEPLOY = `## Steps\n### Deploy {#deploy}\n${fence("sh on=app batch=1,50%,100% confirm", 'echo "$RUNBOOK_HOST" >> "$MARK"')}${fence("sh rollback", "true")}`;
type Ev = Record<string, unknown> & { type: string };

describe.runIf(hasSshd || sshdRequired)("a confirm step on a group asks once per batch", () => {
  it("--yes: one yes before each batch (1, 50%, 100%), each journaled before that batch's first start", async () => {
    const l = await lab();
    const p = await runbookProject(DEPLOY, GROUPS);
    const r = await runIn(p, ["run", "rb.md", "--yes", "--plain"], { RUNBOOK_SSH_CONFIG: l.configFile });
    expect(r.exitCode, r.stderr).toBe(0);
    const order = (journalEvents(p.state) as Ev[])
      .filter((e) => e.type === "answer" || (e.type === "attempt_started" && e.host !== undefined))
      .map((e) => (e.type === "answer" ? `${String(e.question)} ${String(e.answer)}` : `start ${String(e.host)}`));
    expect(order[0]).toBe("confirm yes");
    expect(order[1]).toBe("start app-1");
    expect(order[2]).toBe("confirm yes");
    expect(order.slice(3, 6).sort()).toEqual(["start app-2", "start app-3", "start app-4"]);
    expect(order.slice(6)).toEqual(["confirm yes", "start app-5"]);
    expect(marks(p.mark).sort()).toEqual(APPS);
  }, 120_000);

  it.runIf(hasTmux || tmuxRequired)("in a terminal each question names the batch's hosts; a skip at the second batch leaves the canary's change and runs no other host", async () => {
    const l = await lab();
    const p = await runbookProject(DEPLOY, GROUPS);
    const t = new TmuxSession(["run", "rb.md"], { cwd: p.dir, env: { ...p.env, RUNBOOK_SSH_CONFIG: l.configFile }, width: 80, height: 24 });
    sessions.push(t);
    await t.waitFor(/Check the params before the run starts/);
    t.send("s");
    await t.waitFor(/Run this step on 1 host \(app-1\)\?/);
    expect(marks(p.mark)).toEqual([]);
    t.send("y");
    const second = await t.waitFor(/Run this step on 3 hosts \(app-2, app-3, app-4\)\?/);
    process.stdout.write(`the second batch's question, 80x24:\n${second}\n`);
    expect(marks(p.mark)).toEqual(["app-1"]);
    t.send("s");
    await t.waitFor(/Run skipped|Run completed/);
    expect(marks(p.mark)).toEqual(["app-1"]);
    const answers = (journalEvents(p.state) as Ev[]).filter((e) => e.type === "answer").map((e) => `${String(e.question)} ${String(e.answer)}`);
    expect(answers).toEqual(["confirm yes", "confirm skip"]);
  }, 120_000);
});
