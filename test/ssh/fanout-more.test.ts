import { describe, expect, it } from "vitest";
import { fence, journalEvents, marks, processesMatching, runbookProject, runIn, waitFor } from "../helpers/runbooks.js";
import { hasSshd, labsFor, sshdRequired } from "../helpers/sshd.js";

const APPS = ["app-1", "app-2", "app-3"];
const lab = labsFor(APPS);
const GROUPS = `targets:\n  app: [${APPS.join(", ")}]\n`;
type Ev = Record<string, unknown> & { type: string };

describe.runIf(hasSshd || sshdRequired)("a step on a group: capture and timeouts (real OpenSSH)", () => {
  it("capture= on a group: one value per host, journaled with each host; $NAME is their list in the group's order, even past a verify", async () => {
    const l = await lab();
    const p = await runbookProject(
      `## Steps\n### Versions {#versions}\n${fence("sh on=app capture=VERSIONS", 'echo "v-$RUNBOOK_HOST"')}${fence("sh verify", "true")}### Use {#use}\n${fence("sh", 'printf "%s\\n" "$VERSIONS" >> "$MARK"')}`,
      GROUPS,
    );
    const r = await runIn(p, ["run", "rb.md", "--yes", "--plain"], { RUNBOOK_SSH_CONFIG: l.configFile });
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(marks(p.mark)).toEqual(["v-app-1", "v-app-2", "v-app-3"]);
    const events = journalEvents(p.state) as Ev[];
    const perHost = events.filter((e) => e.type === "attempt_finished" && e.host !== undefined && e.phase === "command").map((e) => [e.host, (e.capture as { value: string }).value]);
    expect(new Map(perHost as [string, string][])).toEqual(new Map(APPS.map((h) => [h, `v-${h}`])));
    expect(events.find((e) => e.type === "step_finished" && e.target === "versions" && e.host === undefined)).toMatchObject({ status: "done", capture: { name: "VERSIONS", value: "v-app-1\nv-app-2\nv-app-3", secret: false } });
  }, 120_000);

  it("a secret capture on a group: each host's value and the list stay out of the journal; the next step still gets the list", async () => {
    const l = await lab();
    const p = await runbookProject(
      `## Steps\n### Tokens {#tokens}\n${fence("sh on=app capture=TOKENS", 'echo "$RUNBOOK_HOST:$TOKEN"')}### Use {#use}\n${fence("sh", 'printf "%s\\n" "$TOKENS" | sed "s/sekret-42/S/" >> "$MARK"')}`,
      `${GROUPS}params:\n  TOKEN: {secret: true}\n`,
    );
    const r = await runIn(p, ["run", "rb.md", "--yes", "--plain"], { RUNBOOK_SSH_CONFIG: l.configFile, RUNBOOK_PARAM_TOKEN: "sekret-42" });
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(marks(p.mark)).toEqual(["app-1:S", "app-2:S", "app-3:S"]);
    const journal = JSON.stringify(journalEvents(p.state));
    expect(journal).not.toContain("sekret-42");
    expect((journalEvents(p.state) as Ev[]).find((e) => e.type === "step_finished" && e.target === "tokens" && e.host === undefined)).toMatchObject({ capture: { name: "TOKENS", value: null, secret: true } });
  }, 120_000);

  it("a timeout stops the block on the host too, not only the local ssh: nothing of it runs on unseen", async () => {
    const l = await lab();
    const tag = `47.${process.pid}${Date.now() % 1000}`;
    const p = await runbookProject(`## Steps\n### Slow {#slow}\n${fence("sh on=app timeout=5s", `echo "begun $RUNBOOK_HOST" >> "$MARK"; sleep ${tag}; echo "never $RUNBOOK_HOST" >> "$MARK"`)}`, GROUPS);
    const r = await runIn(p, ["run", "rb.md", "--yes", "--plain"], { RUNBOOK_SSH_CONFIG: l.configFile });
    expect(r.exitCode).toBe(1);
    expect(journalEvents(p.state).filter((e) => e.type === "attempt_finished" && e.host !== undefined).map((e) => e.timedOut)).toEqual(APPS.map(() => true));
    // The hosts' `sleep` (their sshd runs as this user here) goes once the connection's channel closes.
    await waitFor(() => processesMatching(`sleep ${tag}`).length === 0, 15_000);
    expect(marks(p.mark).filter((m) => m.startsWith("never"))).toEqual([]);
    expect(marks(p.mark).sort()).toEqual(APPS.map((h) => `begun ${h}`));
  }, 120_000);
});
