import { execa } from "execa";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { assertBuilt, BIN, runCli, runMain, type CliResult } from "./cli.js";
import { tempDir } from "./tmp.js";

/** A temp project with one runbook in it and its own state folder. */
export async function runbookProject(body: string, frontmatter = ""): Promise<{ dir: string; file: string; state: string; mark: string; env: Record<string, string> }> {
  const dir = await tempDir("runbook-run-");
  await mkdir(path.join(dir, ".git"));
  const file = path.join(dir, "rb.md");
  // Every test runbook gets a MARK param: a file its steps append to, to count what ran.
  const fm = frontmatter.includes("params:\n") ? frontmatter.replace("params:\n", "params:\n  MARK: {}\n") : `${frontmatter}params:\n  MARK: {}\n`;
  await writeFile(file, `---\nid: test-rb\nowner: team-test\n${fm}---\n# Test runbook\n\n${body}`);
  const state = path.join(dir, "state");
  const mark = path.join(dir, "marks");
  return { dir, file, state, mark, env: { RUNBOOK_STATE_DIR: state, RUNBOOK_KILL_GRACE_MS: "500", RUNBOOK_PARAM_MARK: mark } };
}

/** Runs the CLI in this process (`main`) in the project. */
export function runIn(p: { dir: string; env: Record<string, string> }, args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return runMain(args, { cwd: p.dir, env: { ...p.env, ...extraEnv } });
}

/** Runs the built CLI as a child process in the project: for what only a process shows. */
export function spawnIn(p: { dir: string; env: Record<string, string> }, args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { cwd: p.dir, env: { ...p.env, ...extraEnv } });
}

/** Starts the CLI without waiting, for tests that kill it. */
export function spawnCli(p: { dir: string; env: Record<string, string> }, args: string[], extraEnv: Record<string, string> = {}) {
  assertBuilt();
  return execa(process.execPath, [BIN, ...args], { cwd: p.dir, env: { NO_COLOR: "1", CI: "true", ...p.env, ...extraEnv }, reject: false, stdin: "ignore", stripFinalNewline: false });
}

export function journalFiles(state: string): string[] {
  try {
    return readdirSync(path.join(state, "runs")).filter((f) => f.endsWith(".jsonl")).map((f) => path.join(state, "runs", f));
  } catch {
    return [];
  }
}

export function onlyRunId(state: string): string {
  const files = journalFiles(state);
  if (files.length !== 1) throw new Error(`expected one run, found ${files.length}`);
  return path.basename(files[0]!, ".jsonl");
}

export function journalEvents(state: string): Array<Record<string, unknown> & { type: string }> {
  const text = readFileSync(journalFiles(state)[0]!, "utf8");
  return text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown> & { type: string });
}

/** A process that exists and is not a zombie (a killed orphan waits for init to reap it). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Processes whose command line contains `needle`, from /proc. */
export function processesMatching(needle: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").includes(needle)) out.push(Number(pid));
    } catch {
      // gone
    }
  }
  return out;
}

/** Waits until `check()` holds; on a timeout, `context()` (what the test has seen so far) is in the error. */
export async function waitFor(check: () => boolean, timeoutMs = 60_000, context?: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting${context ? `; so far:\n${context()}` : ""}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function marks(file: string): string[] {
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

export const fence = (info: string, source: string) => `\`\`\`${info}\n${source}\n\`\`\`\n`;
