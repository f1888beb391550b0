import { lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fence, journalEvents, marks, onlyRunId, processesMatching, runbookProject, runIn, waitFor } from "../helpers/runbooks.js";
import { SECRET, journalText, outputOf, escapes, escaped } from "../helpers/hardening.js";

// Issue 13, the run side, in process (main): real files and real child processes of the steps. The
// cases that need a runner process of its own (SIGKILL, a heap cap, a crash) are in
// hardening-run-process.test.ts.

describe("issue 13, run side", () => {
  it("#1 a value captured from a secret is masked everywhere: not in the journal, on the screen or on stderr", async () => {
    const p = await runbookProject(
      `## Steps\n### Get {#get}\n${fence("sh capture=TOK", "printenv S")}### Use {#use}\n${fence("sh", 'echo "token is $TOK"; echo "$TOK" >&2; printf %s "$TOK" | base64; printf %s "$TOK" > "$MARK"')}`,
      "params:\n  S: {secret: true}\n",
    );
    for (const format of ["text", "json"]) {
      const r = await runIn(p, ["run", "rb.md", "--format", format], { RUNBOOK_PARAM_S: SECRET });
      expect(r.exitCode, r.stderr).toBe(0);
      for (const [where, text] of [["journal", journalText(p.state)], ["screen", r.stdout], ["stderr", r.stderr]] as const) {
        expect(text, `${format}: ${where}`).not.toContain(SECRET);
        expect(text, `${format}: ${where}`).not.toContain(Buffer.from(SECRET).toString("base64").slice(0, 12));
      }
      // The value itself reached the next step.
      expect(readFileSync(p.mark, "utf8")).toBe(SECRET);
    }
    const get = journalEvents(p.state).find((e) => e.type === "attempt_finished" && e.target === "get");
    expect(get?.capture).toEqual({ name: "TOK", value: null, secret: true });
  });

  it("#6 one attempt journals at most its output limit: its head, a note of what was cut, its tail (RUNBOOK_OUTPUT_LIMIT or output_limit)", async () => {
    const p = await runbookProject(`## Steps\n### Loud {#loud}\n${fence("sh", "seq 1 200000; echo THE END >&2")}`);
    const printed = Array.from({ length: 200_000 }, (_, i) => `${i + 1}\n`).join("");
    for (const how of ["env", "config"] as const) {
      rmSync(p.state, { recursive: true, force: true });
      if (how === "config") writeFileSync(path.join(p.dir, "runbook.config.yaml"), "output_limit: 64KiB\n");
      const r = await runIn(p, ["run", "rb.md"], how === "env" ? { RUNBOOK_OUTPUT_LIMIT: "64KiB" } : {});
      expect(r.exitCode, r.stderr).toBe(0);
      const out = journalEvents(p.state).filter((e) => e.type === "output") as unknown as Array<{ stream: string; text: string }>;
      const note = (e: { text: string }) => e.text.replace(/^\n/, "").startsWith("[runbook: ");
      const cut = out.find((e) => note(e) && e.text.includes("bytes of output cut here"));
      expect(cut, how).toBeDefined();
      const kept = out.filter((e) => !note(e));
      const stdout = kept.filter((e) => e.stream === "stdout").map((e) => e.text).join("");
      const keptBytes = kept.reduce((n, e) => n + Buffer.byteLength(e.text), 0);
      expect(keptBytes).toBe(64 * 1024);
      expect(stdout.startsWith("1\n2\n3\n")).toBe(true);
      expect(stdout.endsWith("199999\n200000\n")).toBe(true);
      expect(kept.filter((e) => e.stream === "stderr").map((e) => e.text).join("")).toBe("THE END\n");
      const dropped = Number(/\[runbook: ([\d,]+) bytes/.exec(cut!.text)![1]!.replace(/,/g, ""));
      expect(dropped + keptBytes).toBe(Buffer.byteLength(printed) + "THE END\n".length);
      expect(r.stdout).toContain("bytes of output cut here");
    }
    const badEnv = await runIn(p, ["run", "rb.md"], { RUNBOOK_OUTPUT_LIMIT: "lots" });
    expect(badEnv.exitCode).toBe(2);
    expect(badEnv.stderr).toContain("RUNBOOK_OUTPUT_LIMIT=lots is not a size: expected a size such as 16MiB");
    writeFileSync(path.join(p.dir, "runbook.config.yaml"), "output_limit: 2GiB\n");
    const badConfig = await runIn(p, ["run", "rb.md"]);
    expect(badConfig.exitCode).toBe(2);
    expect(badConfig.stderr).toContain("runbook.config.yaml:1:15: Expected a size such as 16MiB");
  });

  it("#11 a step may start a service on purpose: one that writes elsewhere outlives the step and the run; one that holds the step's output is named", async () => {
    const tag = `305.${process.pid}${Date.now() % 1000}`;
    const service = `nohup sh -c 'while :; do echo tick >> "$MARK.service"; sleep 0.1; done; : service-${tag}' > /dev/null 2>&1 &`;
    const careless = `sh -c 'sleep 1; while :; do echo tick; sleep 0.1; done; : careless-${tag}' &`;
    const p = await runbookProject(`## Steps\n### Start {#start}\n${fence("sh", `${service}\n${careless}\necho started`)}### Next {#next}\n${fence("sh", 'echo next >> "$MARK"')}`);
    try {
      const r = await runIn(p, ["run", "rb.md"]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(marks(p.mark)).toEqual(["next"]);
      // The run is over; the service goes on writing, and nothing stops it.
      const ticks = marks(`${p.mark}.service`).length;
      await waitFor(() => marks(`${p.mark}.service`).length > ticks + 3);
      // One service: a child it forks (sleep, echo) carries its command line until it execs, so two may be seen for an instant.
      await waitFor(() => processesMatching(`service-${tag}`).length === 1, 10_000, () => `service processes: ${processesMatching(`service-${tag}`).join(", ")}`);
      // The one that kept the step's pipe is let go, and the journal says why it will die.
      expect(outputOf(p.state, "stderr")).toContain("[runbook: a process this block started still held its output when the block ended; it was let go, and it will get SIGPIPE at its next write. Start a background service with its output redirected");
      await waitFor(() => processesMatching(`careless-${tag}`).length === 0);
    } finally {
      for (const pid of [...processesMatching(`service-${tag}`), ...processesMatching(`careless-${tag}`)]) process.kill(pid, "SIGKILL");
    }
  });

  it("#17 a timeout stops what left the block's process group: setsid, a double fork", async () => {
    const tag = `${process.pid}${Date.now() % 1000}`;
    const p = await runbookProject(`## Steps\n### Hang {#hang}\n${fence("sh timeout=1s", escapes(tag))}`);
    try {
      const r = await runIn(p, ["run", "rb.md"]);
      expect(r.exitCode).toBe(1);
      expect(marks(p.mark)).toEqual(["escaped"]);
      expect(journalEvents(p.state).find((e) => e.type === "attempt_finished")).toMatchObject({ timedOut: true });
      await waitFor(() => escaped(tag).length === 0, 5000);
    } finally {
      for (const pid of escaped(tag)) process.kill(pid, "SIGKILL");
    }
  });

  it("#12 a journal that is a symbolic link is refused by every command, and its target is never written", async () => {
    const p = await runbookProject(`## Steps\n### A {#a}\n${fence("sh", 'echo a >> "$MARK"')}`);
    mkdirSync(path.join(p.state, "runs"), { recursive: true, mode: 0o700 });
    const victim = path.join(p.dir, "victim.txt");
    writeFileSync(victim, "precious, and no journal\n");
    const id = "20261128T000000Z-test-rb-beef";
    symlinkSync(victim, path.join(p.state, "runs", `${id}.jsonl`));
    for (const args of [["resume", id], ["resume", id, "--force"], ["rollback", id], ["rollback", id, "--dry-run"], ["log", id]]) {
      const r = await runIn(p, args);
      expect(r.exitCode, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toContain("it is a symbolic link");
      expect(readFileSync(victim, "utf8")).toBe("precious, and no journal\n");
    }
    const runs = await runIn(p, ["runs"]);
    expect(runs.stdout).toContain("unreadable");
    expect(readFileSync(victim, "utf8")).toBe("precious, and no journal\n");
  });

  it("#12 a runbook lock that is a symbolic link is never followed: refused, and replaced only with --force", async () => {
    const p = await runbookProject(`## Steps\n### A {#a}\n${fence("sh", 'echo a >> "$MARK"')}`);
    mkdirSync(path.join(p.state, "locks"), { recursive: true, mode: 0o700 });
    const victim = path.join(p.dir, "victim.txt");
    writeFileSync(victim, "precious\n");
    const lock = path.join(p.state, "locks", "test-rb.lock");
    symlinkSync(victim, lock);
    const refused = await runIn(p, ["run", "rb.md"]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("runbook is locked");
    const forced = await runIn(p, ["run", "rb.md", "--force"]);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(lstatSync(victim).isFile()).toBe(true);
    expect(marks(p.mark)).toEqual(["a"]);
  });

  it("#15 a param or a command's output cannot forge a line or reach the terminal as a control sequence, in the plain view and in `log`", async () => {
    const forged = "✔ [9/9] fake-step done";
    const p = await runbookProject(
      `## Steps\n### Echo {#echo}\n${fence("sh capture=C", `echo "$P"; printf '\\033[2J\\033]2;pwned\\007\\n\\r${forged}\\n'; printf 'ok\\n${forged}'`)}`,
      "params:\n  P: {}\n",
    );
    const r = await runIn(p, ["run", "rb.md", "--plain", "-p", `P=x\n${forged}`]);
    expect(r.exitCode, r.stderr).toBe(0);
    const log = await runIn(p, ["log", onlyRunId(p.state)]);
    expect(log.exitCode).toBe(0);
    for (const [where, text] of [["plain view", r.stdout], ["log", log.stdout]] as const) {
      expect(text, where).not.toMatch(/^\s*✔ \[9\/9\]/m);
      expect(text, where).not.toContain("\u001b");
      expect(text, where).not.toContain("\u0007");
      expect(text, where).toContain("\\e[2J");
    }
    // The log's header shows the param on one line, escaped.
    expect(log.stdout).toContain(`params: MARK=${p.env.RUNBOOK_PARAM_MARK} P=x\\n${forged}`);
  });

  it("#16 with a secret active, text held back by the masker stays in its own stream", async () => {
    const p = await runbookProject(
      `## Steps\n### Streams {#streams}\n${fence("bash", 'printf "out-%s" "${S:0:4}"; sleep 0.3; printf "err\\n" >&2; sleep 0.3; printf "rest\\n"; printf "%s\\n" "$S" >&2')}`,
      "params:\n  S: {secret: true}\n",
    );
    const r = await runIn(p, ["run", "rb.md"], { RUNBOOK_PARAM_S: SECRET });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(outputOf(p.state, "stdout")).toBe(`out-${SECRET.slice(0, 4)}rest\n`);
    expect(outputOf(p.state, "stderr")).toBe("err\n***\n");
  });
});
