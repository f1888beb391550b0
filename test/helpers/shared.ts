import { execa } from "execa";
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BIN, runMain, type CliResult } from "./cli.js";
import { tempDir } from "./tmp.js";

export interface Clone {
  readonly dir: string;
  readonly env: Record<string, string>;
  run(args: readonly string[], extra?: Record<string, string>): Promise<CliResult>;
  spawn(args: readonly string[], extra?: Record<string, string>): ReturnType<typeof spawnIn>;
}

export interface Shared {
  readonly root: string;
  /** The bare repository every clone pushes to. */
  readonly remote: string;
  /** A file the test runbooks append to, shared by every clone: it counts what ran, anywhere. */
  readonly mark: string;
  readonly clones: Clone[];
  /** Makes the remote unreachable (root reads any file, so the folder is moved away) and back. */
  cut(): void;
  mend(): void;
}

const quiet = { GIT_CONFIG_NOSYSTEM: "1" };

/**
 * A bare repository as the team's remote and clones of it, one per operator, each with its own
 * `.runbook/` state folder; `runbook.config.yaml` shares runs through `origin` with a short lease.
 */
export async function sharedRepos(files: Record<string, string>, o: { operators?: readonly string[]; lease?: string; hosts?: Readonly<Record<string, string>> } = {}): Promise<Shared> {
  const root = await tempDir("runbook-share-");
  const remote = path.join(root, "remote.git");
  const mark = path.join(root, "marks");
  const git = (cwd: string, ...args: string[]) => execa("git", args, { cwd, env: quiet });
  await git(root, "init", "-q", "--bare", "-b", "main", remote);
  // A remote that lives for one test never needs git's housekeeping: no `gc --auto` after each push.
  appendFileSync(path.join(remote, "config"), "[receive]\n\tautogc = false\n");
  const seed = path.join(root, "seed");
  await git(root, "clone", "-q", remote, seed);
  await identity(seed, "seed");
  writeFileSync(path.join(seed, "runbook.config.yaml"), `share: {remote: origin, lease: ${o.lease ?? "3s"}}\n`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(seed, name)), { recursive: true });
    writeFileSync(path.join(seed, name), text);
  }
  await git(seed, "add", "-A");
  await git(seed, "commit", "-q", "-m", "runbooks");
  await git(seed, "push", "-q", "origin", "main");
  const clones: Clone[] = [];
  for (const operator of o.operators ?? ["alice", "bob"]) {
    const dir = path.join(root, operator);
    await git(root, "clone", "-q", remote, dir);
    await identity(dir, operator);
    const env = { NO_COLOR: "1", CI: "true", RUNBOOK_OPERATOR: operator, RUNBOOK_KILL_GRACE_MS: "500", RUNBOOK_PARAM_MARK: mark, RUNBOOK_SHARE_TIMEOUT_MS: "5000", ...quiet };
    const host = o.hosts?.[operator];
    clones.push({
      dir,
      env,
      // In process (main), but for a clone on another host: that needs a process in its own namespace.
      run: async (args, extra = {}) => {
        if (host === undefined) return runMain(args, { cwd: dir, env: { ...env, ...extra } });
        const r = await execa(...command(host, args), { cwd: dir, env: { ...env, ...extra }, reject: false, stdin: "ignore", stripFinalNewline: false, timeout: 120_000 });
        return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
      },
      spawn: (args, extra = {}) => spawnIn(dir, args, { ...env, ...extra }, host),
    });
  }
  const gone = `${remote}.gone`;
  return { root, remote, mark, clones, cut: () => renameSync(remote, gone), mend: () => renameSync(gone, remote) };
}

function spawnIn(dir: string, args: readonly string[], env: Record<string, string>, host?: string) {
  return execa(...command(host, args), { cwd: dir, env, reject: false, stdin: "ignore", stripFinalNewline: false });
}

/**
 * The CLI, on this machine or, given a host name, as if on another machine: in a UTS namespace of its
 * own (`unshare --uts`; with a user namespace when not root) whose host name is `host`. `unshare` and
 * `sh` exec in place, so the pid is the CLI's own (signals reach it). Its processes are still this
 * machine's, which is what a runner on another host must never touch.
 */
function command(host: string | undefined, args: readonly string[]): [string, string[]] {
  if (host === undefined) return [process.execPath, [BIN, ...args]];
  const root = process.getuid?.() === 0;
  return ["unshare", ["--uts", ...(root ? [] : ["--map-root-user"]), "sh", "-c", 'hostname "$0" && exec "$@"', host, process.execPath, BIN, ...args]];
}

async function identity(dir: string, name: string): Promise<void> {
  await execa("git", ["config", "user.name", name], { cwd: dir });
  await execa("git", ["config", "user.email", `${name}@example.com`], { cwd: dir });
  await execa("git", ["config", "commit.gpgsign", "false"], { cwd: dir });
}

/** A runbook for these tests: its steps append their id to $MARK, so a test counts what ran where; `info` is the fence's info string (`sh` when not given). */
export function markingRunbook(id: string, steps: ReadonlyArray<{ id: string; body?: string; info?: string }>, frontmatter = ""): string {
  const fences = steps.map((s) => `### ${s.id} {#${s.id}}\n\n\`\`\`${s.info ?? "sh"}\necho ${s.id} >> "$MARK"\n${s.body ?? ""}\n\`\`\`\n`).join("\n");
  return `---\nid: ${id}\nowner: team-test\nparams:\n  MARK: {}\n${frontmatter}---\n# ${id} runbook\n\n## Steps\n\n${fences}`;
}

/**
 * Waits until `clone` sees, on the remote, a run at `step` with that step begun: a runner pushes its
 * journal in the background (a step never waits for a push), so a test that cuts the runner off or
 * kills it waits for this first when it needs the remote to know the step began.
 */
export async function seenRunning(clone: Clone, step: string, timeoutMs = 60_000): Promise<void> {
  for (const until = Date.now() + timeoutMs; ; ) {
    const listed = await clone.run(["runs", "--format", "json"]);
    const rows = listed.exitCode === 0 ? (JSON.parse(listed.stdout) as Array<{ step: string | null; stepStatus: string | null }>) : [];
    // Running, or interrupted when the runner's lease already lapsed (a busy machine): either way the remote knows it began.
    if (rows.some((r) => r.step === step && (r.stepStatus === "running" || r.stepStatus === "interrupted"))) return;
    if (Date.now() > until) throw new Error(`timed out waiting for the remote to show step ${step} running: ${listed.stdout}${listed.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The id of the run `clone` sees live on the remote (the first row of `runs`), once it does. */
export async function liveRunId(clone: Clone, timeoutMs = 60_000): Promise<string> {
  for (const until = Date.now() + timeoutMs; ; ) {
    const listed = await clone.run(["runs", "--format", "json"]);
    const rows = listed.exitCode === 0 ? (JSON.parse(listed.stdout) as Array<{ runId: string; status: string }>) : [];
    if (rows[0]?.status === "live") return rows[0].runId;
    if (Date.now() > until) throw new Error(`the run never showed as live: ${listed.stdout}${listed.stderr}`);
    // Each look fetches from the remote: not back to back.
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A cell of the `runs` table for one run, its wrapped lines joined by spaces: `runs` fits 80 columns,
 * so a long cell goes on on the lines under its run (up to the blank line after it).
 */
export function runsCell(table: string, runId: string, column: "RUN" | "STATE" | "STEP" | "NEXT"): string {
  const lines = table.split("\n");
  const head = lines[0] ?? "";
  const names = ["RUN", "STATE", "STEP", "NEXT"] as const;
  const k = names.indexOf(column);
  const from = head.indexOf(column);
  const next = names[k + 1];
  const to = next === undefined ? undefined : head.indexOf(next);
  const at = lines.findIndex((l) => l.startsWith(runId));
  if (at === -1) return "";
  const end = lines.indexOf("", at);
  return lines
    .slice(at, end === -1 ? undefined : end)
    .map((l) => l.slice(from, to).trim())
    .filter(Boolean)
    .join(" ");
}
