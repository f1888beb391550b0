import { execa } from "execa";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { tempDir } from "./tmp.js";

/** A real git repository in a temp folder. */
export async function gitRepo(): Promise<{ dir: string; git: (...args: string[]) => Promise<string>; write: (file: string, text: string) => Promise<void>; commit: (message: string, date?: string) => Promise<string> }> {
  const dir = await tempDir("runbook-git-");
  const git = async (...args: string[]) => String((await execa("git", args, { cwd: dir, env: { GIT_CONFIG_NOSYSTEM: "1" } })).stdout);
  await git("init", "-q", "-b", "main");
  await git("config", "user.name", "Test Verifier");
  await git("config", "user.email", "verifier@example.com");
  await git("config", "commit.gpgsign", "false");
  const write = async (file: string, text: string) => {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  };
  const commit = async (message: string, date = "2026-01-01T00:00:00Z") => {
    await execa("git", ["add", "-A"], { cwd: dir });
    await execa("git", ["commit", "-q", "-m", message], { cwd: dir, env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
    return git("rev-parse", "HEAD");
  };
  return { dir, git, write, commit };
}
