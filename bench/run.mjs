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

export const suites = {
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
