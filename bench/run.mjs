#!/usr/bin/env node
// The performance table of issue 14, measured side by side. Machines here are shared and noisy, so
// each line runs its commands interleaved, several times after a warm-up, and reports medians and
// their ratio, never one timing. Not part of `npm test` or CI: speed lives here, not in tests.
//
//   npm run bench                          the whole table; writes bench/last-run.json
//   npm run bench -- stale-1000 startup    only these suites
//   npm run bench -- --compare bench/baseline.json
//                                          also flag (exit 1) a line more than 25% worse than there
//   npm run bench -- lsp-50k stale-1000 lint-10k --before ../old/dist/bundle/runbook.js
//                                          also measure that build in the same run (issue 19's before/after)
//   options: --runs N (default 5, or BENCH_RUNS), --json FILE, BENCH_BIN=<a build's bin> (default: the
//   esbuild bundle dist/bundle/runbook.js when built, else dist/cli/bin.js), BENCH_CORPUS=<folder> (default
//   ../shared/corpus, else the committed sample: a git worktree elsewhere should name it)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { HOSTILE_RUNBOOKS } from "./hostile-files.mjs";
import { attemptDurations, corpusCopies, corpusFolder, markdownFiles, sharedClone, smallRunbooks, staleRepo, tempDir } from "./lib/fixtures.mjs";
import { interleaved, median, ROOT } from "./lib/measure.mjs";
import { sshLab } from "./lib/sshd-lab.mjs";

const argv = process.argv.slice(2);
const option = (name) => {
  const i = argv.indexOf(name);
  if (i === -1) return undefined;
  const [value] = argv.splice(i, 2).slice(1);
  return value;
};
const compareWith = option("--compare");
const jsonOut = path.resolve(option("--json") ?? path.join(ROOT, "bench/last-run.json"));
const RUNS = Number(option("--runs") ?? process.env.BENCH_RUNS ?? 5);
const only = argv;

// The esbuild bundle when it is built (`npm run bench` builds it), else the tsc build.
const TSC_BIN = path.join(ROOT, "dist/cli/bin.js");
const BUNDLE_BIN = path.join(ROOT, "dist/bundle/runbook.js");
const BIN = path.resolve(process.env.BENCH_BIN ?? (existsSync(BUNDLE_BIN) ? BUNDLE_BIN : TSC_BIN));
const DIST = path.dirname(path.dirname(BIN));
const lintHelp = String(spawnSync(process.execPath, [BIN, "lint", "--help"]).stdout);
/** Cold runs: without the cache, when the build has one. */
const NO_CACHE = lintHelp.includes("--no-cache") ? ["--no-cache"] : [];
const HAS_CACHE_LOCATION = lintHelp.includes("--cache-location");
const runbook = (name, args, extra = {}) => ({ name, node: [BIN, ...args], okStatus: [0, 1], ...extra });
// `--before <bin>` (or BENCH_BEFORE): the lines of issue 19 also measure that build, interleaved with
// this one in the same run, as `<id>-before` rows: before and after side by side on a noisy machine.
const BEFORE = (() => {
  const given = option("--before") ?? process.env.BENCH_BEFORE;
  return given === undefined ? undefined : path.resolve(given);
})();
const BEFORE_DIST = BEFORE && path.dirname(path.dirname(BEFORE));
const before = (name, args, extra = {}) => ({ name: `before: ${name}`, node: [BEFORE, ...args], okStatus: [0, 1], ...extra });
const NODE_E0 = { name: "node -e 0", node: ["-e", "0"] };

const s = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const mb = (x) => (x === undefined ? "" : `, ${x.toFixed(0)} MB peak`);
const cpu = (x) => (x === undefined ? "" : `, CPU ${s(x)}`);
const describe = (r) => `${r.name}: ${s(r.ms)}${cpu(r.cpuMs)}${mb(r.rssMb)}`;

/** One line of the table: `value` (lower is better) against `target`. */
function row(id, work, subject, reference, value, unit, target) {
  return { id, work, subject, reference, value, unit, target, met: value <= target };
}
const ratioRow = (id, work, a, b, target) => row(id, work, describe(a), describe(b), a.ms / b.ms, "×", target);

const suites = {
  /**
   * Issue 22: a `true` step on 20 hosts (aliases over 4 sshd on 127.0.0.1), parallel=10, against a
   * plain `xargs -P 10 ssh` over the same hosts with the same ssh options (connection reuse included).
   */
  async "ssh-fanout"() {
    if (!existsSync("/usr/sbin/sshd")) return [];
    const hosts = Array.from({ length: 20 }, (_, i) => `h-${String(i + 1).padStart(2, "0")}`);
    const lab = await sshLab(4, hosts);
    const dir = tempDir("runbook-bench-ssh-");
    writeFileSync(path.join(dir, "fan.md"), `---\nid: fan\nowner: team-bench\ntargets:\n  all: [${hosts.join(", ")}]\n---\n# Fan out\n\n## Steps\n\n### All {#all}\n\n\`\`\`sh on=all parallel=10\ntrue\n\`\`\`\n`);
    writeFileSync(path.join(dir, "hosts"), hosts.join("\n") + "\n");
    // The same run with its step here: what any run costs (node, lint, git, lock, journal) before a host is reached.
    writeFileSync(path.join(dir, "here.md"), `---\nid: here\nowner: team-bench\n---\n# Here\n\n## Steps\n\n### All {#all}\n\n\`\`\`sh\ntrue\n\`\`\`\n`);
    const control = `/tmp/runbook-ssh-${os.userInfo().uid}`;
    const env = { RUNBOOK_SSH_CONFIG: lab.config, RUNBOOK_STATE_DIR: path.join(dir, "state") };
    try {
      const [fan, loop, here] = interleaved(
        [
          runbook("runbook run: `true` on 20 hosts, parallel=10", ["run", "fan.md", "--yes", "--plain"], { env, okStatus: [0] }),
          {
            name: "xargs -P 10 ssh … true",
            cmd: "bash",
            args: ["-c", `xargs -P 10 -I{} ssh -F ${lab.config} -o BatchMode=yes -o ControlMaster=auto -o ControlPath=${control}/%C -o ControlPersist=60 -T {} true < hosts`],
          },
          runbook("runbook run: `true` here", ["run", "here.md", "--yes", "--plain"], { env, okStatus: [0] }),
        ],
        { runs: RUNS, cwd: dir },
      );
      const reaching = { name: "the fan-out less a run's own cost", ms: fan.ms - here.ms };
      return [
        ratioRow("ssh-fanout-hosts", "reaching 20 hosts (the fan-out less what a run here costs), against xargs -P 10 ssh", reaching, loop, Infinity),
        ratioRow("ssh-fanout", "a `true` step on 20 hosts over SSH, parallel=10 (4 sshd on 127.0.0.1)", fan, loop, 1.5),
      ];
    } finally {
      lab.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },

  startup() {
    const dir = smallRunbooks();
    // The tsc build too, when the bundle is what is measured: what the bundle gains at start-up.
    const tsc = BIN !== TSC_BIN && existsSync(TSC_BIN);
    const [node, version, small, verified, warm, tscSmall, tscVersion] = interleaved(
      [
        NODE_E0,
        runbook("runbook --version", ["--version"]),
        runbook("runbook lint small.md", ["lint", "runbooks/small.md", ...NO_CACHE]),
        runbook("runbook lint verified.md (git history)", ["lint", "runbooks/verified.md", ...NO_CACHE]),
        runbook("runbook lint small.md, cache warm", ["lint", "runbooks/small.md"]),
        ...(tsc ? [{ name: "tsc build: runbook lint small.md", node: [TSC_BIN, "lint", "runbooks/small.md", ...NO_CACHE], okStatus: [0, 1] }, { name: "tsc build: runbook --version", node: [TSC_BIN, "--version"] }] : []),
      ],
      { runs: RUNS, cwd: dir },
    );
    rmSync(dir, { recursive: true, force: true });
    return [
      ratioRow("lint-one", "lint one small runbook (no cache)", small, node, 2.5),
      ratioRow("lint-one-verified", "lint one small runbook with `verified_commit` (no cache)", verified, node, 2.5),
      ratioRow("lint-one-warm", "lint one small runbook, its result cached", warm, node, Infinity),
      ratioRow("version", "`runbook --version`", version, node, 1.5),
      ...(tsc ? [ratioRow("lint-one-tsc", "lint one small runbook, tsc build (no cache)", tscSmall, node, Infinity), ratioRow("version-tsc", "`runbook --version`, tsc build", tscVersion, node, Infinity)] : []),
    ];
  },

  "lint-corpus"() {
    const { dir, shared } = corpusFolder();
    const { files, bytes } = markdownFiles(dir);
    const glob = `${dir}/**/*.md`;
    const [lint, mdl, parse] = interleaved(
      [
        runbook("runbook lint --format json", ["lint", glob, "--format", "json", ...NO_CACHE]),
        { name: "markdownlint-cli2", node: [path.join(ROOT, "node_modules/markdownlint-cli2/markdownlint-cli2-bin.mjs"), glob], okStatus: [0, 1] },
        { name: "parse only (mdast + frontmatter)", node: [path.join(ROOT, "bench/parse-only.mjs"), glob] },
      ],
      { runs: RUNS },
    );
    const what = `lint ${files.length} \`*.md\` of ${shared ? "../shared/corpus" : "the committed sample"} (${(bytes / 1e6).toFixed(1)} MB)`;
    return [ratioRow("lint-vs-markdownlint", what, lint, mdl, 0.45), ratioRow("lint-vs-parse", `${what}, both cores`, lint, parse, 0.7)];
  },

  "lint-warm"() {
    if (!HAS_CACHE_LOCATION) return [];
    const { dir } = corpusFolder();
    const glob = `${dir}/**/*.md`;
    const scratch = tempDir("runbook-bench-cache-");
    const cold = path.join(scratch, "cold.jsonl");
    const warm = path.join(scratch, "warm.jsonl");
    const [c, w] = interleaved(
      [
        runbook("cold: an empty cache", ["lint", glob, "--format", "json", "--cache-location", cold], { before: () => rmSync(cold, { force: true }) }),
        runbook("warm: the same lint again", ["lint", glob, "--format", "json", "--cache-location", warm]),
      ],
      { runs: RUNS },
    );
    rmSync(scratch, { recursive: true, force: true });
    return [ratioRow("lint-warm", "warm re-run of the same lint (content-hash cache)", w, c, 0.1)];
  },

  "lint-10k"() {
    const { dir } = corpusFolder();
    const { files, bytes } = markdownFiles(dir);
    const copies = corpusCopies(dir, 12);
    const [one, twelve, old] = interleaved(
      [
        runbook(`runbook lint, ${files.length} files`, ["lint", `${dir}/**/*.md`, "--format", "json", ...NO_CACHE]),
        runbook(`runbook lint, ${files.length * 12} files`, ["lint", `${copies}/**/*.md`, "--format", "json", ...NO_CACHE]),
        ...(BEFORE ? [before(`runbook lint, ${files.length * 12} files`, ["lint", `${copies}/**/*.md`, "--format", "json", ...NO_CACHE])] : []),
      ],
      { runs: RUNS },
    );
    rmSync(copies, { recursive: true, force: true });
    const work = `lint ${(files.length * 12).toLocaleString("en")} files (the corpus ×12, ${((bytes * 12) / 1e6).toFixed(0)} MB)`;
    return [
      row("lint-10k-rss", work, `${s(twelve.ms)}, ${twelve.rssMb.toFixed(0)} MB peak RSS (max ${twelve.maxRssMb.toFixed(0)})`, "—", twelve.maxRssMb, "MB", 300),
      ...(old ? [row("lint-10k-rss-before", `${work}, the --before build`, `${s(old.ms)}, ${old.rssMb.toFixed(0)} MB peak RSS (max ${old.maxRssMb.toFixed(0)})`, "—", old.maxRssMb, "MB", Infinity)] : []),
      row("lint-10k-linear", `${work}: time per byte against ×1`, describe(twelve), describe(one), twelve.ms / 12 / one.ms, "× linear", 1.2),
    ];
  },

  "stale-1000"() {
    const dir = staleRepo();
    const asOf = ["--as-of", "2026-11-27"];
    const [stale, log, lint, old] = interleaved(
      [
        runbook("runbook stale --format json", ["stale", "runbooks", "--format", "json", ...asOf]),
        { name: "git log --name-only", cmd: "git", args: ["log", "--name-only", "--format=%H"] },
        runbook("runbook lint (same files, git history)", ["lint", "runbooks", "--format", "json", ...asOf, ...NO_CACHE]),
        ...(BEFORE ? [before("runbook stale --format json", ["stale", "runbooks", "--format", "json", ...asOf])] : []),
      ],
      { runs: RUNS, cwd: dir },
    );
    const r = spawnSync(process.execPath, [BIN, "stale", "runbooks", "--format", "json", ...asOf], { cwd: dir, maxBuffer: 1 << 30 });
    const j = JSON.parse(String(r.stdout));
    const changed = j.runbooks.filter((x) => x.findings.some((f) => f.kind === "changed")).length;
    rmSync(dir, { recursive: true, force: true });
    return [
      { ...ratioRow("stale-1000", "`stale` on 1,000 runbooks × 5,000 commits", stale, log, 3), note: `${j.summary.stale} of ${j.summary.runbooks} stale, ${changed} with steps changed since verified; lint of the same files ${s(lint.ms)}` },
      ...(old ? [ratioRow("stale-1000-before", "`stale` on 1,000 runbooks × 5,000 commits, the --before build", old, log, Infinity)] : []),
    ];
  },

  "engine-overhead"() {
    // 200 `true` steps through the engine (journal, fsync, process groups) against 200 bare spawns.
    const dir = tempDir("runbook-bench-");
    const steps = Array.from({ length: 200 }, (_, i) => `### Step ${i} {#s${i}}\n\`\`\`sh\ntrue\n\`\`\`\n`).join("");
    writeFileSync(path.join(dir, "rb.md"), `---\nid: bench\nowner: bench\n---\n# Bench\n## Steps\n${steps}`);
    writeFileSync(path.join(dir, "bare.sh"), "for i in $(seq 200); do bash -euo pipefail -c true; done\n");
    const env = { RUNBOOK_STATE_DIR: path.join(dir, "state"), CI: "true" };
    const [engine, bare] = interleaved(
      [
        { name: "runbook run (200 steps)", node: [BIN, "run", "rb.md", "--plain"] },
        { name: "200 × bash -euo pipefail -c true", cmd: "bash", args: ["bare.sh"] },
      ],
      { runs: RUNS, cwd: dir, env },
    );
    rmSync(dir, { recursive: true, force: true });
    const perStep = (engine.ms - bare.ms) / 200;
    return [row("engine-overhead", "200 `true` steps: overhead per step, journal fsync included", describe(engine), describe(bare), perStep, "ms", 5)];
  },

  "shared-overhead"() {
    // Issue 20, item 4: the same 200 `true` steps, shared through a bare repository on the same disk
    // (lock taken by a push, the journal pushed in the background, the lease renewed on a heartbeat,
    // released at the end) against the run unshared. Each run starts from a fresh clone and state.
    const dir = tempDir("runbook-bench-");
    const steps = Array.from({ length: 200 }, (_, i) => `### Step ${i} {#s${i}}\n\`\`\`sh\ntrue\n\`\`\`\n`).join("");
    const rb = `---\nid: bench\nowner: bench\n---\n# Bench\n## Steps\n${steps}`;
    const clone = sharedClone(dir, { "rb.md": rb });
    const local = path.join(dir, "local");
    mkdirSync(local);
    writeFileSync(path.join(local, "rb.md"), rb);
    const fresh = (state) => () => rmSync(state, { recursive: true, force: true });
    const [shared, unshared] = interleaved(
      [
        { name: "shared run (200 steps)", node: [BIN, "run", "rb.md", "--plain"], cwd: clone, env: { RUNBOOK_STATE_DIR: path.join(clone, ".runbook") }, before: fresh(path.join(clone, ".runbook")) },
        { name: "same run unshared", node: [BIN, "run", "rb.md", "--plain"], cwd: local, env: { RUNBOOK_STATE_DIR: path.join(local, "state") }, before: fresh(path.join(local, "state")) },
      ],
      { runs: RUNS, cwd: dir, env: { CI: "true", GIT_CONFIG_NOSYSTEM: "1" } },
    );
    rmSync(dir, { recursive: true, force: true });
    return [row("shared-overhead", "200 `true` steps shared through a bare repository on the same disk: overhead per step", describe(shared), describe(unshared), (shared.ms - unshared.ms) / 200, "ms", 10)];
  },

  "lsp-50k"() {
    // In-process: each sample is the median of 40 edits of the runbook in one process.
    const samples = [];
    const olds = [];
    const sample = (dist) => {
      const r = spawnSync(process.execPath, [path.join(ROOT, "bench/in-process.mjs"), dist, "40"], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`in-process bench: ${r.stderr}`);
      return JSON.parse(r.stdout);
    };
    for (let i = 0; i < RUNS; i++) {
      samples.push(sample(DIST));
      if (BEFORE_DIST) olds.push(sample(BEFORE_DIST));
    }
    const oldServer = median(olds.map((x) => x.serverMs));
    const lint = median(samples.map((x) => x.lintMs));
    const cpu = median(samples.map((x) => x.lintCpuMs));
    const parse = median(samples.map((x) => x.parseMs));
    // The server's whole pipeline when the build has one; else what it would run, parse and rules.
    const server = median(samples.map((x) => x.serverMs));
    const kb = (samples[0].bytes / 1000).toFixed(0);
    return [
      row(
        "lsp-50k",
        `language server: re-lint an open ${kb} KB runbook in-process (${server === undefined ? "parse + rules" : "its unified-engine pipeline"})`,
        `${server === undefined ? "" : `pipeline ${server.toFixed(1)} ms (CPU ${median(samples.map((x) => x.serverCpuMs))?.toFixed(1)} ms); `}lintRunbook(buildRunbook) ${lint.toFixed(1)} ms (CPU ${cpu.toFixed(1)} ms)`,
        `parse alone ${parse.toFixed(1)} ms`,
        server ?? lint,
        "ms",
        20,
      ),
      ...(olds.length ? [row("lsp-50k-before", "language server re-lint, the --before build", `pipeline ${oldServer?.toFixed(1)} ms (CPU ${median(olds.map((x) => x.serverCpuMs))?.toFixed(1)} ms); lintRunbook(buildRunbook) ${median(olds.map((x) => x.lintMs)).toFixed(1)} ms`, `parse alone ${median(olds.map((x) => x.parseMs)).toFixed(1)} ms`, oldServer ?? median(olds.map((x) => x.lintMs)), "ms", Infinity)] : []),
    ];
  },

  "tui-output"() {
    // Not in the issue's table, so only on request: `npm run bench -- tui-output`.
    if (spawnSync("tmux", ["-V"]).status !== 0) return [];
    const dir = tempDir("runbook-bench-");
    writeFileSync(path.join(dir, "rb.md"), "---\nid: flood\nowner: bench\n---\n# Flood\n## Steps\n### Print {#print}\n```sh\nseq 1 200000\n```\n");
    writeFileSync(path.join(dir, "quiet.md"), "---\nid: quiet\nowner: bench\n---\n# Quiet\n## Steps\n### Print {#print}\n```sh\nseq 1 200000 > /dev/null\n```\n");
    const tui = [], plain = [], engineQuiet = [], devnull = [];
    for (let i = 0; i < RUNS; i++) {
      const state = path.join(dir, `state-tui-${i}`);
      const sock = `runbook-bench-${process.pid}-${i}`;
      spawnSync("tmux", ["-L", sock, "new-session", "-d", "-x", "120", "-y", "40", `cd ${dir} && env -u CI RUNBOOK_STATE_DIR=${state} ${process.execPath} ${BIN} run rb.md; tmux -L ${sock} wait-for -S done`]);
      spawnSync("tmux", ["-L", sock, "wait-for", "done"]);
      spawnSync("tmux", ["-L", sock, "kill-server"]);
      tui.push(attemptDurations(state)[0]);
      for (const [file, out] of [["rb.md", plain], ["quiet.md", engineQuiet]]) {
        const st = path.join(dir, `state-${file}-${i}`);
        spawnSync(process.execPath, [BIN, "run", file, "--plain"], { cwd: dir, stdio: "ignore", env: { ...process.env, RUNBOOK_STATE_DIR: st, CI: "true" } });
        out.push(attemptDurations(st)[0]);
      }
      const t = process.hrtime.bigint();
      spawnSync("bash", ["-euo", "pipefail", "-c", "seq 1 200000 > /dev/null"]);
      devnull.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    rmSync(dir, { recursive: true, force: true });
    const base = median(devnull);
    return [
      row("tui-output", "a step printing 200,000 lines, interactive UI (tmux)", `${median(tui).toFixed(0)} ms`, `bash to /dev/null ${base.toFixed(0)} ms`, median(tui) / base, "×", Infinity),
      row("plain-output", "the same step, --plain to a pipe", `${median(plain).toFixed(0)} ms`, `engine, output to /dev/null ${median(engineQuiet).toFixed(0)} ms`, median(plain) / base, "×", Infinity),
    ];
  },

  "hostile-lint"() {
    // Issue 13, case 9: each of these crashed lint or took 12 s to over a minute. Target: well under
    // a second per file, the process start included, like a clean runbook of the same size.
    const dir = tempDir("runbook-bench-");
    const clean = `---\nid: clean\nowner: bench\n---\n# Clean\n## Steps\n${Array.from({ length: 400 }, (_, i) => `### Step ${i} {#s${i}}\nSome prose about step ${i}, with *emphasis* and a [link](https://example.com).\n\n- a point\n- another\n\n\`\`\`sh\necho ${i}\n\`\`\`\n`).join("")}`.slice(0, 100_000);
    writeFileSync(path.join(dir, "clean-100k.md"), clean);
    for (const [name, make] of Object.entries(HOSTILE_RUNBOOKS)) writeFileSync(path.join(dir, name), make());
    const names = Object.keys(HOSTILE_RUNBOOKS);
    const [base, ...hostile] = interleaved([runbook("clean-100k.md", ["lint", "clean-100k.md", ...NO_CACHE]), ...names.map((name) => runbook(name, ["lint", name, ...NO_CACHE]))], { runs: RUNS, cwd: dir });
    rmSync(dir, { recursive: true, force: true });
    return hostile.map((h, i) => row(`hostile-${names[i].replace(/\.md$/, "")}`, `lint one hostile file, ${names[i]} (issue 13)`, describe(h), describe(base), h.ms, "ms", 1000));
  },
};
const DEFAULT = ["startup", "lint-corpus", "lint-warm", "lsp-50k", "stale-1000", "engine-overhead", "shared-overhead", "lint-10k", "hostile-lint"];

const fmt = (r) => (r.unit === "×" || r.unit === "× linear" ? `${r.value.toFixed(2)}×` : `${r.value.toFixed(r.unit === "ms" ? 1 : 0)} ${r.unit}`);
const target = (r) => (r.target === Infinity ? "—" : r.unit === "×" || r.unit === "× linear" ? `≤ ${r.target}×` : `≤ ${r.target} ${r.unit}`);

const loadStart = os.loadavg();
const started = Date.now();
console.log(`runbook bench: ${BIN}, ${RUNS} interleaved runs per line after a warm-up; ${os.availableParallelism()} cores; load ${loadStart.map((x) => x.toFixed(1)).join(" ")}`);
const rows = [];
for (const name of only.length ? only : DEFAULT) {
  if (!suites[name]) throw new Error(`no bench suite \`${name}\` (have: ${Object.keys(suites).join(", ")})`);
  const t = Date.now();
  const got = await suites[name]();
  rows.push(...got.map((r) => ({ suite: name, ...r })));
  for (const r of got) console.log(`  ${r.target === Infinity ? "info" : r.met ? "ok  " : "MISS"} ${r.work}: ${fmt(r)} (target ${target(r)}) — ${r.subject} | ${r.reference}${r.note ? ` | ${r.note}` : ""}`);
  console.log(`  (${name}: ${((Date.now() - t) / 1000).toFixed(0)} s, load ${os.loadavg()[0].toFixed(1)})`);
}
const loadEnd = os.loadavg();

console.log("\n| work | runbook | reference | measured | target | met |\n| --- | --- | --- | --- | --- | --- |");
for (const r of rows) console.log(`| ${r.work} | ${r.subject} | ${r.reference}${r.note ? `; ${r.note}` : ""} | ${fmt(r)} | ${target(r)} | ${r.target === Infinity ? "—" : r.met ? "yes" : "**no**"} |`);
console.log(`\nLoad average (1, 5, 15 min): ${loadStart.map((x) => x.toFixed(1)).join(", ")} at the start, ${loadEnd.map((x) => x.toFixed(1)).join(", ")} at the end; ${((Date.now() - started) / 60000).toFixed(1)} min.`);

const result = { date: new Date().toISOString(), node: process.version, cores: os.availableParallelism(), runs: RUNS, bin: path.relative(ROOT, BIN), load: { start: loadStart, end: loadEnd }, rows: rows.map((r) => ({ ...r, target: r.target === Infinity ? null : r.target })) };
writeFileSync(jsonOut, `${JSON.stringify(result, null, 2)}\n`);
console.log(`Written to ${path.relative(process.cwd(), jsonOut) || jsonOut}.`);

if (compareWith) {
  const base = JSON.parse(readFileSync(compareWith, "utf8"));
  const before = new Map(base.rows.map((r) => [r.id, r]));
  let worse = 0;
  console.log(`\nAgainst ${compareWith} (${base.date}, load ${base.load.start.map((x) => x.toFixed(1)).join(" ")}):`);
  for (const r of rows) {
    const b = before.get(r.id);
    if (!b || !existsSync(compareWith)) continue;
    const change = r.value / b.value;
    const flag = change > 1.25;
    if (flag) worse++;
    console.log(`  ${flag ? "WORSE" : "ok   "} ${r.id}: ${fmt(b)} → ${fmt(r)} (${change >= 1 ? "+" : ""}${((change - 1) * 100).toFixed(0)}%)`);
  }
  if (worse) {
    console.log(`${worse} line${worse === 1 ? "" : "s"} more than 25% worse than the baseline.`);
    process.exitCode = 1;
  }
}
