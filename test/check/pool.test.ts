import { rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type * as ExecutorModule from "../../src/check/batch/executor.js";
import type { JobSettings } from "../../src/check/batch/protocol.js";
import { ROOT, runCli, runMain } from "../helpers/cli.js";
import { markCache } from "../helpers/lint-cache.js";
import { tempDir } from "../helpers/tmp.js";

// Worker threads run compiled code, as the CLI does (`npm test` builds first): so does this test.
const { createExecutor, POOL_AFTER } = (await import(pathToFileURL(path.join(ROOT, "dist/check/batch/executor.js")).href)) as typeof ExecutorModule;

const FORMATS = ["stylish", "json", "github", "sarif"];
// The threads start from the build, so the pool's side is the spawned CLI; one thread is `main` in process.
const lintAll = (workers: string, format: string, args: string[], cwd = ROOT) =>
  (workers === "0" ? runMain : runCli)(["lint", ...args, "--format", format, "--no-cache", "--as-of", "2026-11-27"], { cwd, env: { RUNBOOK_WORKERS: workers }, timeout: 120_000 });

describe("lint on worker threads", () => {
  it("gives byte for byte what one thread gives, over the committed fixtures and runbooks/, in every format", async () => {
    for (const format of FORMATS) {
      const [one, pool] = [await lintAll("0", format, ["test/fixtures", "runbooks"]), await lintAll("2", format, ["test/fixtures", "runbooks"])];
      expect(pool.stdout, format).toBe(one.stdout);
      expect(pool.stderr, format).toBe(one.stderr);
      expect(pool.exitCode, format).toBe(one.exitCode);
      expect(one.exitCode, format).toBe(1);
    }
    const j = JSON.parse((await lintAll("2", "json", ["test/fixtures", "runbooks"])).stdout) as { summary: { files: number; errors: number } };
    expect(j.summary.files).toBeGreaterThan(40);
    expect(j.summary.errors).toBeGreaterThan(0);
  });

  it("reports files in their order, whichever thread finishes first, and ids across threads", async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, ".git"));
    const names: string[] = [];
    const step = (i: number) => `### Step ${i} {#s${i}}\nWhat to do, at length, so that this file takes a while to read.\n\`\`\`sh\necho ${i}\n\`\`\`\n`;
    // The first file is the slowest to lint: a thread that takes it finishes after the others.
    const big = `---\nid: big\nowner: t\n---\n# Big\n## Steps\n${Array.from({ length: 2500 }, (_, i) => step(i)).join("")}`;
    await writeFile(path.join(dir, "a-big.md"), big);
    names.push("a-big.md");
    for (let i = 0; i < 60; i++) {
      const name = `r-${String(i).padStart(2, "0")}.md`;
      // Every tenth runbook takes the id of the one before it.
      const id = i % 10 === 9 ? `rb-${i - 1}` : `rb-${i}`;
      await writeFile(path.join(dir, name), `---\nid: ${id}\nowner: t\n---\n# R ${i}\n## Steps\n${step(i)}`);
      names.push(name);
    }
    const one = await lintAll("0", "json", ["."], dir);
    const pool = await lintAll("2", "json", ["."], dir);
    const again = await lintAll("2", "json", ["."], dir);
    expect(pool.stdout).toBe(one.stdout);
    expect(again.stdout).toBe(pool.stdout);
    const j = JSON.parse(pool.stdout) as { files: Array<{ file: string; diagnostics: Array<{ ruleId: string; message: string }> }> };
    expect(j.files.map((f) => f.file)).toEqual(names);
    const dupes = j.files.filter((f) => f.diagnostics.some((d) => d.ruleId === "runbook-id-unique")).map((f) => f.file);
    expect(dupes).toEqual(["r-09.md", "r-19.md", "r-29.md", "r-39.md", "r-49.md", "r-59.md"]);
    expect(j.files[10]?.diagnostics.find((d) => d.ruleId === "runbook-id-unique")?.message).toBe("Runbook id `rb-8` is already used by r-08.md:2");
  });

  it("holds what worker threads found as one thread finds it, and a warm run takes every file from it", { timeout: 120_000 }, async () => {
    const where = path.join(await tempDir(), "cache.jsonl");
    // Worker threads start from the build (dist/): this one spawns it, on one thread too (the cache
    // is salted with what wrote it, and the build's salt is not the sources').
    const run = (workers: string, format: string, cache: string[]) =>
      runCli(["lint", "test/fixtures", "runbooks", "--format", format, "--as-of", "2026-11-27", ...cache], { env: { RUNBOOK_WORKERS: workers }, timeout: 120_000 });
    // JSON carries every field of every finding (the formats are drawn from the same report: the
    // test above holds the pool to one thread in each of them).
    for (const format of ["json"]) {
      rmSync(where, { force: true });
      const none = await run("0", format, ["--no-cache"]);
      // Filled by the pool, read back on one thread and on the pool.
      for (const [name, workers] of [["cold, pool", "2"], ["warm, one thread", "0"], ["warm, pool", "2"]] as const) {
        const r = await run(workers, format, ["--cache-location", where]);
        expect(r.stdout, `${format}, ${name}`).toBe(none.stdout);
        expect(r.stderr, `${format}, ${name}`).toBe(none.stderr);
        expect(r.exitCode, `${format}, ${name}`).toBe(none.exitCode);
      }
    }

    // Warm means served from the cache: every file's findings now carry the mark, the corpus sample's too.
    await markCache(where);
    const marked = JSON.parse((await run("0", "json", ["--cache-location", where])).stdout) as { files: Array<{ file: string; diagnostics: Array<{ ruleId: string; message: string }> }> };
    // Unique ids are checked across files after the cache, never stored in it.
    const perFile = marked.files.map((f) => ({ file: f.file, messages: f.diagnostics.filter((d) => d.ruleId !== "runbook-id-unique").map((d) => d.message) })).filter((f) => f.messages.length > 0);
    expect(perFile.filter((f) => f.file.startsWith("test/fixtures/corpus-sample/")).length).toBeGreaterThan(30);
    expect(perFile.filter((f) => !f.messages.every((m) => m.startsWith("CACHED "))).map((f) => f.file)).toEqual([]);
  });
});

describe("where jobs run", () => {
  const settings: JobSettings = { severities: {}, defaultReviewEvery: undefined, today: "2026-11-27", path: process.env.PATH };
  const answers = { plan: () => Promise.reject(new Error("no git here")), blobs: () => Promise.reject(new Error("no git here")), early: () => Promise.reject(new Error("no git here")) };
  const job = (i: number) => ({ kind: "lint" as const, file: `r${i}.md`, absolute: `/nowhere/r${i}.md`, text: `---\nid: r${i}\nowner: t\n---\n# R\n## Steps\n### A\nx\n` });
  const big = (i: number) => ({ ...job(i), text: `${job(i).text}${"Prose that an operator reads before acting, at some length.\n\n".repeat(800)}` });

  it("starts no thread for one file, and one per other core for many", async () => {
    const one = createExecutor({ settings, answers, env: {} });
    expect((await one.run(job(1))).kind).toBe("lint");
    expect(one.threads).toBe(0);
    await one.close();

    // Enough text that parsing it here would cost more than starting a thread.
    const count = Math.ceil((2 * POOL_AFTER) / big(0).text.length);
    const many = createExecutor({ settings, answers, env: {} });
    const outcomes = await Promise.all(Array.from({ length: count }, (_, i) => many.run(big(i))));
    expect(many.threads).toBe(os.availableParallelism() - 1);
    // Each result is the one for its own job, whichever thread ran it.
    expect(outcomes.map((o) => (o.kind === "lint" ? o.id?.id : undefined))).toEqual(Array.from({ length: count }, (_, i) => `r${i}`));
    expect(new Set(outcomes.map((o) => JSON.stringify(o.kind === "lint" ? o.diagnostics : undefined))).size).toBe(1);
    await many.close();

    const none = createExecutor({ settings, answers, env: { RUNBOOK_WORKERS: "0" } });
    await Promise.all(Array.from({ length: count }, (_, i) => none.run(big(i))));
    expect(none.threads).toBe(0);
    await none.close();
  });

  it("fails the job a worker could not do, and still closes", async () => {
    const ex = createExecutor({ settings, answers, env: { RUNBOOK_WORKERS: "2" } });
    expect(ex.threads).toBe(0); // started on the first job
    const bad = { ...job(1), text: undefined as unknown as string };
    const results = await Promise.allSettled([ex.run(bad), ex.run(bad), ex.run(bad), ex.run(job(2))]);
    expect(ex.threads).toBe(2);
    expect(results.slice(0, 3).every((r) => r.status === "rejected")).toBe(true);
    await ex.close();
  });
});
