// What the bench measures on: repositories and folders built in a temp folder, the same every run.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./measure.mjs";

export const tempDir = (prefix) => mkdtempSync(path.join(os.tmpdir(), prefix));

function gitIn(dir) {
  return (args, input) => {
    const r = spawnSync("git", args, { cwd: dir, input, maxBuffer: 1 << 30, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1" } });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    return String(r.stdout).trim();
  };
}

/**
 * The real-world runbooks in ../shared/corpus (or BENCH_CORPUS: a worktree's ../shared is not the
 * checkout's), or the committed sample when it is absent.
 */
export function corpusFolder() {
  const corpus = path.resolve(ROOT, process.env.BENCH_CORPUS ?? "../shared/corpus");
  return existsSync(corpus) ? { dir: corpus, shared: true } : { dir: path.join(ROOT, "test/fixtures/corpus-sample"), shared: false };
}

/** `*.md` files under a folder, relative to it, and their total size. */
export function markdownFiles(dir) {
  const files = [];
  let bytes = 0;
  const walk = (rel) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.isFile() && e.name.endsWith(".md")) {
        files.push(r);
        bytes += statSync(path.join(dir, r)).size;
      }
    }
  };
  walk("");
  return { files, bytes };
}

/** The corpus's `*.md` files copied `times` times into one folder (copy-01/…, copy-02/…). */
export function corpusCopies(source, times) {
  const dir = tempDir("runbook-bench-copies-");
  const { files } = markdownFiles(source);
  for (let k = 1; k <= times; k++) {
    for (const f of files) {
      const to = path.join(dir, `copy-${String(k).padStart(2, "0")}`, f);
      mkdirSync(path.dirname(to), { recursive: true });
      cpSync(path.join(source, f), to);
    }
  }
  return dir;
}

export const SMALL_RUNBOOK = "---\nid: small\nowner: team-bench\nlast_verified: 2026-11-01\nreview_every: 90d\n---\n# Small\n\n## Steps\n### Check {#check}\nLook first.\n```sh\necho check\n```\n### Act {#act}\n```sh confirm\necho act\n```\n```sh rollback\necho undo\n```\n";

/** A git repository with one small runbook, and one more that records the commit it was verified at. */
export function smallRunbooks() {
  const dir = tempDir("runbook-bench-small-");
  const git = gitIn(dir);
  git(["init", "-q", "-b", "main"]);
  mkdirSync(path.join(dir, "runbooks"));
  writeFileSync(path.join(dir, "runbooks/small.md"), SMALL_RUNBOOK);
  writeFileSync(path.join(dir, "runbooks/verified.md"), SMALL_RUNBOOK.replace("id: small", "id: verified"));
  const commit = (message) => git(["-c", "user.name=b", "-c", "user.email=b@example.com", "commit", "-qam", message]);
  git(["add", "-A"]);
  commit("add runbooks");
  const head = git(["rev-parse", "HEAD"]);
  const file = path.join(dir, "runbooks/verified.md");
  writeFileSync(file, readFileSync(file, "utf8").replace("review_every: 90d\n", `review_every: 90d\nverified_by: bench\nverified_commit: ${head}\n`));
  commit("verify");
  return dir;
}

/** A repository with 1,000 runbooks and 5,000 commits, built with git fast-import. */
export function staleRepo() {
  const dir = tempDir("runbook-stale-bench-");
  const git = gitIn(dir);
  git(["init", "-q", "-b", "main"]);
  const doc = (i, rev, verified = "") =>
    `---\nid: rb-${i}\nowner: team-${i % 17}\nreview_every: 90d\n${verified}---\n# Runbook ${i}\n\n## Steps\n### Check {#check}\nProse revision ${rev}.\n\`\`\`sh\necho check ${i}\n\`\`\`\n### Act {#act}\n\`\`\`sh confirm irreversible="bench"\necho act ${i} v${rev % 7 === 0 ? rev : 0}\n\`\`\`\n`;
  let stream = "";
  const t = 1_700_000_000;
  const blob = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  stream += `commit refs/heads/main\nmark :1\ncommitter Bench <b@example.com> ${t} +0000\n${blob("add 1000 runbooks")}`;
  for (let i = 0; i < 1000; i++) stream += `M 100644 inline runbooks/rb-${i}.md\n${blob(doc(i, 0))}`;
  for (let c = 2; c <= 5000; c++) {
    const i = (c * 7919) % 1000;
    stream += `commit refs/heads/main\nmark :${c}\ncommitter Bench <b@example.com> ${t + c * 60} +0000\n${blob(`edit rb-${i}`)}from :${c - 1}\nM 100644 inline runbooks/rb-${i}.md\n${blob(doc(i, c))}`;
  }
  git(["fast-import", "--quiet"], stream);
  git(["checkout", "-q", "main"]);
  // Verify every runbook at the commit halfway through: half the history comes after it.
  const halfway = git(["rev-list", "--skip=2500", "-1", "HEAD"]);
  for (let i = 0; i < 1000; i++) {
    const file = path.join(dir, "runbooks", `rb-${i}.md`);
    writeFileSync(file, readFileSync(file, "utf8").replace("review_every: 90d\n", `review_every: 90d\nlast_verified: 2026-11-01\nverified_by: bench\nverified_commit: ${halfway}\n`));
  }
  git(["-c", "user.name=b", "-c", "user.email=b@example.com", "commit", "-qam", "verify all"]);
  return dir;
}

/**
 * A bare repository in `dir` as the team's remote and a clone of it whose runbook.config.yaml shares
 * runs through it (`share: {remote: origin}`), holding `files`. Returns the clone's folder.
 */
export function sharedClone(dir, files) {
  const remote = path.join(dir, "remote.git");
  const clone = path.join(dir, "clone");
  gitIn(dir)(["init", "-q", "--bare", "-b", "main", remote]);
  gitIn(dir)(["clone", "-q", remote, clone]);
  const git = gitIn(clone);
  git(["config", "user.name", "bench"]);
  git(["config", "user.email", "bench@example.com"]);
  git(["config", "commit.gpgsign", "false"]);
  writeFileSync(path.join(clone, "runbook.config.yaml"), "share: {remote: origin}\n");
  writeFileSync(path.join(clone, ".gitignore"), ".runbook/\n");
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(clone, name), text);
  git(["add", "-A"]);
  git(["commit", "-qm", "runbooks"]);
  git(["push", "-q", "origin", "main"]);
  return clone;
}

/** Step durations of a finished run, from its journal. */
export function attemptDurations(stateDir) {
  const runs = path.join(stateDir, "runs");
  const file = path.join(runs, readdirSync(runs).sort().at(-1));
  return readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.type === "attempt_finished").map((e) => e.durationMs);
}
