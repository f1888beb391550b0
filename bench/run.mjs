#!/usr/bin/env node
// Side-by-side benchmarks. Machines here are shared and noisy, so each comparison runs its
// commands interleaved, several times, and reports medians and their ratio, never one timing.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = path.join(ROOT, "dist/cli/bin.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const only = process.argv.slice(2);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function time(cmd, args, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 30, ...opts });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.error) throw r.error;
  return { ms, status: r.status, stderr: String(r.stderr ?? "") };
}

/** Runs each named command RUNS times, interleaved, and prints medians and ratios to the first. */
function compare(title, commands, opts) {
  const samples = commands.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    commands.forEach((c, j) => samples[j].push(time(c.cmd, c.args, opts).ms));
  }
  const base = median(samples[0]);
  console.log(`\n${title} (median of ${RUNS}, interleaved)`);
  commands.forEach((c, j) => {
    const m = median(samples[j]);
    console.log(`  ${c.name.padEnd(44)} ${m.toFixed(0).padStart(7)} ms   ×${(m / base).toFixed(2)}`);
  });
  return samples.map(median);
}

import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import os from "node:os";

import { readFileSync, readdirSync } from "node:fs";
import { HOSTILE_RUNBOOKS } from "./hostile-files.mjs";

/** Step durations of a finished run, from its journal. */
function attemptDurations(stateDir) {
  const runs = path.join(stateDir, "runs");
  const file = path.join(runs, readdirSync(runs).sort().at(-1));
  return readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.type === "attempt_finished").map((e) => e.durationMs);
}

/** A repository with 1,000 runbooks and 5,000 commits, built with git fast-import. */
function staleRepo() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "runbook-stale-bench-"));
  const git = (args, input) => {
    const r = spawnSync("git", args, { cwd: dir, input, maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    return String(r.stdout).trim();
  };
  git(["init", "-q", "-b", "main"]);
  const doc = (i, rev, verified = "") =>
    `---\nid: rb-${i}\nowner: team-${i % 17}\nreview_every: 90d\n${verified}---\n# Runbook ${i}\n\n## Steps\n### Check {#check}\nProse revision ${rev}.\n\`\`\`sh\necho check ${i}\n\`\`\`\n### Act {#act}\n\`\`\`sh confirm irreversible="bench"\necho act ${i} v${rev % 7 === 0 ? rev : 0}\n\`\`\`\n`;
  let stream = "";
  let t = 1_700_000_000;
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

export const suites = {
  "stale-1000"() {
    const dir = staleRepo();
    const [stale] = compare("runbook stale on a repository with 1,000 runbooks and 5,000 commits", [
      { name: "runbook stale --format json", cmd: process.execPath, args: [BIN, "stale", "runbooks", "--format", "json", "--as-of", "2026-11-27"] },
      { name: "git log --name-only (the history it reads)", cmd: "git", args: ["log", "--name-only", "--format=%H"] },
      { name: "runbook lint (same files, with git history)", cmd: process.execPath, args: [BIN, "lint", "runbooks", "--format", "json", "--as-of", "2026-11-27"] },
    ], { cwd: dir });
    const r = spawnSync(process.execPath, [BIN, "stale", "runbooks", "--format", "json", "--as-of", "2026-11-27"], { cwd: dir, maxBuffer: 1 << 30 });
    const j = JSON.parse(String(r.stdout));
    console.log(`  ${j.summary.stale} of ${j.summary.runbooks} stale (${j.runbooks.filter((x) => x.findings.some((f) => f.kind === "changed")).length} with steps changed since verified) in ${stale.toFixed(0)} ms`);
    rmSync(dir, { recursive: true, force: true });
  },

  "tui-output"() {
    // A step printing 200,000 lines: in the interactive UI (a real terminal, tmux), in plain mode,
    // and the same command with its output sent to /dev/null.
    if (spawnSync("tmux", ["-V"]).status !== 0) return console.log("\n(tui-output skipped: tmux is not installed)");
    const dir = mkdtempSync(path.join(os.tmpdir(), "runbook-bench-"));
    writeFileSync(path.join(dir, "rb.md"), "---\nid: flood\nowner: bench\n---\n# Flood\n## Steps\n### Print {#print}\n```sh\nseq 1 200000\n```\n");
    writeFileSync(path.join(dir, "quiet.md"), "---\nid: quiet\nowner: bench\n---\n# Quiet\n## Steps\n### Print {#print}\n```sh\nseq 1 200000 > /dev/null\n```\n");
    const tui = [], plain = [], devnull = [], engineQuiet = [];
    for (let i = 0; i < RUNS; i++) {
      const state = path.join(dir, `state-tui-${i}`);
      const sock = `runbook-bench-${process.pid}-${i}`;
      spawnSync("tmux", ["-L", sock, "new-session", "-d", "-x", "120", "-y", "40", `cd ${dir} && env -u CI RUNBOOK_STATE_DIR=${state} ${process.execPath} ${BIN} run rb.md; tmux -L ${sock} wait-for -S done`]);
      spawnSync("tmux", ["-L", sock, "wait-for", "done"]);
      spawnSync("tmux", ["-L", sock, "kill-server"]);
      tui.push(attemptDurations(state)[0]);
      const pstate = path.join(dir, `state-plain-${i}`);
      time(process.execPath, [BIN, "run", "rb.md", "--plain"], { cwd: dir, env: { ...process.env, RUNBOOK_STATE_DIR: pstate, CI: "true" } });
      plain.push(attemptDurations(pstate)[0]);
      devnull.push(time("bash", ["-euo", "pipefail", "-c", "seq 1 200000 > /dev/null"]).ms);
      const qstate = path.join(dir, `state-quiet-${i}`);
      time(process.execPath, [BIN, "run", "quiet.md", "--plain"], { cwd: dir, env: { ...process.env, RUNBOOK_STATE_DIR: qstate, CI: "true" } });
      engineQuiet.push(attemptDurations(qstate)[0]);
    }
    console.log(`\nA step printing 200,000 lines: step duration (median of ${RUNS}, interleaved)`);
    const base = median(devnull);
    for (const [name, xs] of [["seq 1 200000 > /dev/null (bash)", devnull], ["runbook run, step's output to /dev/null", engineQuiet], ["runbook run, interactive UI (tmux)", tui], ["runbook run --plain (to a pipe)", plain]]) {
      console.log(`  ${name.padEnd(44)} ${median(xs).toFixed(0).padStart(7)} ms   ×${(median(xs) / base).toFixed(2)}`);
    }
    rmSync(dir, { recursive: true, force: true });
  },

  "engine-overhead"() {
    // 200 `true` steps through the engine (journal, fsync, process groups) against 200 bare spawns.
    const dir = mkdtempSync(path.join(os.tmpdir(), "runbook-bench-"));
    const steps = Array.from({ length: 200 }, (_, i) => `### Step ${i} {#s${i}}\n\`\`\`sh\ntrue\n\`\`\`\n`).join("");
    writeFileSync(path.join(dir, "rb.md"), `---\nid: bench\nowner: bench\n---\n# Bench\n## Steps\n${steps}`);
    writeFileSync(path.join(dir, "bare.sh"), "for i in $(seq 200); do bash -euo pipefail -c true; done\n");
    const env = { ...process.env, RUNBOOK_STATE_DIR: path.join(dir, "state"), CI: "true" };
    const [engine, bare] = compare("200 `true` steps: runbook run vs 200 bare `bash -c true` spawns", [
      { name: "runbook run (200 steps)", cmd: process.execPath, args: [BIN, "run", "rb.md", "--plain"] },
      { name: "200 × bash -euo pipefail -c true", cmd: "bash", args: ["bare.sh"] },
    ], { cwd: dir, env });
    console.log(`  engine overhead per step: ${((engine - bare) / 200).toFixed(1)} ms (median run minus median bare, over 200 steps)`);
    rmSync(dir, { recursive: true, force: true });
  },

  "hostile-lint"() {
    // Issue 13, case 9: each of these crashed lint or took 12 s to over a minute. Target: well under
    // a second per file (the process start included), like a clean file of the same size.
    const dir = mkdtempSync(path.join(os.tmpdir(), "runbook-bench-"));
    const clean = `---\nid: clean\nowner: bench\n---\n# Clean\n## Steps\n${Array.from({ length: 400 }, (_, i) => `### Step ${i} {#s${i}}\nSome prose about step ${i}, with *emphasis* and a [link](https://example.com).\n\n- a point\n- another\n\n\`\`\`sh\necho ${i}\n\`\`\`\n`).join("")}`.slice(0, 100_000);
    writeFileSync(path.join(dir, "clean-100k.md"), clean);
    for (const [name, make] of Object.entries(HOSTILE_RUNBOOKS)) writeFileSync(path.join(dir, name), make());
    compare("runbook lint on one hostile file (exit 1 with a finding) vs a clean 100 KB runbook", [
      { name: "clean-100k.md", cmd: process.execPath, args: [BIN, "lint", "clean-100k.md"] },
      ...Object.keys(HOSTILE_RUNBOOKS).map((name) => ({ name, cmd: process.execPath, args: [BIN, "lint", name] })),
    ], { cwd: dir });
    rmSync(dir, { recursive: true, force: true });
  },

  "lint-corpus"() {
    const corpus = path.resolve(ROOT, "../shared/corpus");
    const target = existsSync(corpus) ? corpus : path.join(ROOT, "test/fixtures/corpus-sample");
    if (target !== corpus) console.log("\n(../shared/corpus not found: using the committed sample)");
    compare(`runbook lint vs markdownlint-cli2 over ${path.relative(ROOT, target)}`, [
      { name: "runbook lint --format json", cmd: process.execPath, args: [BIN, "lint", target, "--format", "json"] },
      { name: "markdownlint-cli2", cmd: process.execPath, args: [path.join(ROOT, "node_modules/markdownlint-cli2/markdownlint-cli2-bin.mjs"), `${target}/**/*.md`, `${target}/**/*.md.erb`] },
    ]);
  },
};

for (const [name, run] of Object.entries(suites)) {
  if (only.length && !only.includes(name)) continue;
  await run();
}
