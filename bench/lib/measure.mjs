// Timing on shared, noisy machines: every comparison runs its commands interleaved (a, b, c, a, b,
// c, …) after one warm-up round, and keeps medians. Node commands run with bench/rss.cjs preloaded,
// which reports their peak resident set size (worker threads included).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const RSS_PRELOAD = path.join(ROOT, "bench/rss.cjs");

export const median = (xs) => {
  const s = xs.filter((x) => x !== undefined).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A command to time: a node script (`node: [script, ...args]`) or any program (`cmd`, `args`). */
function spawnOnce(c, opts) {
  const rssDir = mkdtempSync(path.join(os.tmpdir(), "runbook-bench-rss-"));
  const rssFile = path.join(rssDir, "rss");
  const [cmd, args] = c.node ? [process.execPath, ["--require", RSS_PRELOAD, ...c.node]] : [c.cmd, c.args];
  const env = { ...process.env, ...opts.env, ...c.env, BENCH_RSS_FILE: rssFile };
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: c.cwd ?? opts.cwd ?? ROOT, env, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  let rssKb;
  let cpuMs;
  try {
    // One line per node process: the command's own, and any node it started.
    const lines = readFileSync(rssFile, "utf8").trim().split("\n").map((l) => l.split(" ").map(Number));
    rssKb = Math.max(...lines.map(([kb]) => kb));
    cpuMs = lines.reduce((n, [, us]) => n + us, 0) / 1000;
  } catch {
    rssKb = undefined;
  }
  rmSync(rssDir, { recursive: true, force: true });
  if (r.error) throw r.error;
  const ok = c.okStatus ?? [0];
  if (!ok.includes(r.status)) throw new Error(`${c.name}: exit ${r.status}\n${String(r.stderr).slice(0, 2000)}`);
  return { ms, rssMb: rssKb === undefined ? undefined : rssKb / 1024, cpuMs };
}

/**
 * Runs each command `runs` times, interleaved, after one warm-up round that is thrown away; `before`
 * runs (untimed) ahead of each timed run of a command, to set up its state (an empty cache, say).
 * Returns per command: median wall ms, median CPU ms (node commands), median and max peak RSS, and
 * the samples.
 */
export function interleaved(commands, { runs, ...opts }) {
  const samples = commands.map(() => []);
  for (let i = -1; i < runs; i++) {
    commands.forEach((c, j) => {
      c.before?.();
      const s = spawnOnce(c, opts);
      if (i >= 0) samples[j].push(s);
    });
  }
  return samples.map((xs, j) => ({
    name: commands[j].name,
    ms: median(xs.map((x) => x.ms)),
    rssMb: median(xs.map((x) => x.rssMb)),
    cpuMs: median(xs.map((x) => x.cpuMs)),
    maxRssMb: xs.some((x) => x.rssMb !== undefined) ? Math.max(...xs.map((x) => x.rssMb ?? 0)) : undefined,
    samples: xs.map((x) => Math.round(x.ms)),
  }));
}
