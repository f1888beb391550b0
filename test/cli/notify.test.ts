import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runMain } from "../helpers/cli.js";
import { fence, journalEvents, marks, runbookProject } from "../helpers/runbooks.js";

const SECRET = "hunter2-very-secret-9f3a";

interface Received {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly raw: string;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A real HTTP server on 127.0.0.1 that keeps every POST and answers `status` (or never, with `hang`). */
async function webhookServer(answer: number | "hang"): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
    req.on("end", () => {
      got.push({ path: req.url ?? "", body: JSON.parse(raw) as Record<string, unknown>, raw });
      if (answer === "hang") return;
      res.writeHead(answer).end("ok");
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/T000/B000/XXXX`, got };
}

/** A port nothing listens on: a server opened and closed. */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}/hook`;
}

const BODY = [
  "## Steps",
  "### Check {#check}",
  fence("sh", 'echo "check $MARK" >> "$MARK"; echo "token is $TOKEN"'),
  "### Promote {#promote}",
  fence("sh", 'echo "promote $MARK" >> "$MARK"; echo "about to fail with $TOKEN" >&2; exit 3'),
].join("\n");

async function project(notify: string) {
  const p = await runbookProject(BODY, "params:\n  TOKEN: {secret: true}\n");
  await writeFile(path.join(p.dir, "runbook.config.yaml"), `notify:\n${notify}`);
  return p;
}

function run(p: Awaited<ReturnType<typeof project>>, env: Record<string, string> = {}) {
  return runMain(["run", "rb.md", "--plain"], { cwd: p.dir, env: { ...p.env, RUNBOOK_PARAM_TOKEN: SECRET, ...env } });
}

describe("notify: webhooks told of a run (a real HTTP server on 127.0.0.1)", () => {
  it("posts started, the failed step with its output, and the end, in order, in Slack's format, and journals each as sent", async () => {
    const hook = await webhookServer(200);
    const p = await project(`  - url: \${CHAT_HOOK}\n    name: team-chat\n`);
    const r = await run(p, { CHAT_HOOK: hook.url });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(marks(p.mark).length).toBe(2);
    const texts = hook.got.map((g) => String(g.body.text));
    expect(texts).toHaveLength(3);
    expect(texts[0]).toMatch(/^▶ Test runbook: started by .+ on /);
    expect(texts[1]).toBe("✗ Test runbook: step promote (Promote) failed (exit 3)");
    expect(texts[2]).toBe("■ Test runbook: ended: failed (exit 1)");
    const failed = JSON.stringify(hook.got[1]!.body.blocks);
    expect(failed).toContain("about to fail with ***");
    expect(failed).toMatch(/follow: runbook log \d{8}T\d{6}Z-test-rb-/);
    for (const g of hook.got) expect(g.raw).not.toContain(SECRET);
    const told = journalEvents(p.state).filter((e) => e.type === "notified");
    expect(told.map((e) => [e.hook, e.on, e.status, e.attempts])).toEqual([
      ["team-chat", "started", "sent", 1],
      ["team-chat", "failed", "sent", 1],
      ["team-chat", "ended", "sent", 1],
    ]);
    // The URL is a Slack webhook's secret: never journaled.
    expect(JSON.stringify(journalEvents(p.state))).not.toContain("/hooks/T000");
  });

  it("json format posts the journal event with the run's summary; `on:` picks the moments", async () => {
    const hook = await webhookServer(204);
    const p = await project(`  - url: ${"$"}{CHAT_HOOK}\n    format: json\n    on: [failed]\n`);
    const r = await run(p, { CHAT_HOOK: hook.url });
    expect(r.exitCode).toBe(1);
    expect(hook.got).toHaveLength(1);
    const body = hook.got[0]!.body as { on: string; run: Record<string, unknown>; event: Record<string, unknown>; output: string };
    expect(body.on).toBe("failed");
    expect(body.run).toMatchObject({ runbook: { id: "test-rb", title: "Test runbook" }, step: "promote", done: 1, steps: 2 });
    expect(body.event).toMatchObject({ type: "step_finished", target: "promote", status: "failed" });
    expect(body.output).toContain("about to fail with ***");
    expect(hook.got[0]!.raw).not.toContain(SECRET);
  });

  it("a break-glass run is posted to every webhook, whatever its on:, with the reason: red in Slack, a field in json", async () => {
    const slack = await webhookServer(200);
    const json = await webhookServer(200);
    const p = await project(`  - url: ${"$"}{SLACK_HOOK}\n    on: [ended]\n  - url: ${"$"}{JSON_HOOK}\n    format: json\n    on: [failed]\n`);
    const r = await runMain(["run", "rb.md", "--plain", "--break-glass", `primary down, approver unreachable (INC-42) ${SECRET}`], {
      cwd: p.dir,
      env: { ...p.env, RUNBOOK_PARAM_TOKEN: SECRET, SLACK_HOOK: slack.url, JSON_HOOK: json.url },
    });
    expect(r.exitCode, r.stderr).toBe(1);
    const texts = slack.got.map((g) => String(g.body.text));
    expect(texts[0]).toMatch(/^▶ Test runbook: started by .+ on .+; BREAK GLASS: run without an approved plan: primary down, approver unreachable \(INC-42\) \*\*\*$/);
    expect(slack.got[0]!.body.attachments).toEqual([{ color: "#d0021b", text: "BREAK GLASS: primary down, approver unreachable (INC-42) ***" }]);
    expect(texts.slice(1)).toEqual(["■ Test runbook: ended: failed (exit 1)"]);
    const bodies = json.got.map((g) => g.body as { on: string; run: { breakGlass: unknown } });
    expect(bodies.map((b) => b.on)).toEqual(["started", "failed"]);
    expect(bodies[0]!.run.breakGlass).toEqual({ reason: "primary down, approver unreachable (INC-42) ***", needed: false });
    for (const g of [...slack.got, ...json.got]) expect(g.raw).not.toContain(SECRET);
  });

  it("a webhook answering 500 changes nothing in the run: same exit, same steps, and the journal says it was given up", async () => {
    const hook = await webhookServer(500);
    const p = await project(`  - url: ${"$"}{CHAT_HOOK}\n`);
    const r = await run(p, { CHAT_HOOK: hook.url });
    expect(r.exitCode).toBe(1);
    expect(marks(p.mark).length).toBe(2);
    const told = journalEvents(p.state).filter((e) => e.type === "notified");
    expect(told.length).toBe(3);
    for (const e of told) expect(e.status).toBe("given_up");
    expect(told.map((e) => String(e.why)).join("\n")).toContain("answered 500");
  });

  it("a webhook that never answers does not hold the run: it ends within the 2 s it gives the last posts", async () => {
    const hook = await webhookServer("hang");
    const p = await project(`  - url: ${"$"}{CHAT_HOOK}\n`);
    const started = Date.now();
    const r = await run(p, { CHAT_HOOK: hook.url });
    // Three posts of 5 s each would take 15 s if a step waited for them.
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(r.exitCode).toBe(1);
    expect(marks(p.mark).length).toBe(2);
    const told = journalEvents(p.state).filter((e) => e.type === "notified");
    expect(told.map((e) => e.status)).toEqual(["given_up", "given_up", "given_up"]);
    expect(String(told[0]!.why)).toMatch(/no answer before the run ended|the run ended before it was sent/);
  });

  it("a webhook that is down: the run goes on, each post given up with why, no URL in the journal", async () => {
    const url = await deadUrl();
    const p = await project(`  - url: ${url}\n    name: down\n`);
    const r = await run(p);
    expect(r.exitCode).toBe(1);
    expect(marks(p.mark).length).toBe(2);
    const told = journalEvents(p.state).filter((e) => e.type === "notified");
    expect(told.length).toBe(3);
    expect(told.every((e) => e.status === "given_up" && e.hook === "down")).toBe(true);
    expect(told.map((e) => String(e.why)).join("\n")).toMatch(/could not connect \(ECONNREFUSED\)|the run ended/);
    expect(JSON.stringify(journalEvents(p.state))).not.toContain(url);
  });

  it("an unset ${VAR} leaves the webhook out with a notice; the run is not refused", async () => {
    const p = await project(`  - url: ${"$"}{NOT_SET_HOOK}\n    name: chat\n`);
    const r = await run(p);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("notify: chat is not told of this run: $NOT_SET_HOOK is not set");
    expect(journalEvents(p.state).filter((e) => e.type === "notified")).toEqual([]);
  });

  it("a misspelled key under notify is refused with the nearest one", async () => {
    const p = await project(`  - url: http://127.0.0.1:9/x\n    fromat: json\n`);
    const r = await run(p);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/runbook\.config\.yaml:3:5.*fromat.*format/s);
  });
});
