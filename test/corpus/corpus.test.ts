import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const SAMPLE = fileURLToPath(new URL("../fixtures/corpus-sample", import.meta.url));
const CORPUS = fileURLToPath(new URL("../../../shared/corpus", import.meta.url));
const hasCorpus = existsSync(CORPUS);

interface Json {
  files: Array<{ file: string; diagnostics: Array<{ line: number; column: number; ruleId: string; message: string }> }>;
  summary: { files: number };
}

async function lintAll(folder: string): Promise<Json> {
  const r = await runCli(["lint", folder, "--format", "json"], { timeout: 300_000 });
  expect(r.stderr).toBe("");
  expect([0, 1]).toContain(r.exitCode);
  return JSON.parse(r.stdout) as Json;
}

function expectEveryFindingPlaced(j: Json): void {
  for (const f of j.files) {
    for (const d of f.diagnostics) {
      expect(d.line, `${f.file}: ${d.message}`).toBeGreaterThanOrEqual(1);
      expect(d.column, `${f.file}: ${d.message}`).toBeGreaterThanOrEqual(1);
      expect(d.message).not.toMatch(/^Rule crashed/);
    }
  }
}

describe("real-world runbooks", () => {
  it("lints the committed sample without a crash, every finding placed", async () => {
    const j = await lintAll(SAMPLE);
    expect(j.summary.files).toBeGreaterThanOrEqual(30);
    expectEveryFindingPlaced(j);
    // The known unclosed fence in the Prometheus Operator runbooks is found.
    const f = j.files.find((x) => x.file.endsWith("PrometheusOperatorNodeLookupErrors.md"));
    expect(f?.diagnostics.some((d) => d.ruleId === "fence-terminated")).toBe(true);
  });

  // ../shared/corpus exists on the project's machines and in CI, not in a user's clone.
  it.skipIf(!hasCorpus)("lints the whole corpus in ../shared/corpus without a crash, every finding placed", async () => {
    const j = await lintAll(CORPUS);
    expect(j.summary.files).toBeGreaterThan(900);
    expectEveryFindingPlaced(j);
  });
  if (!hasCorpus) console.warn(`corpus test skipped: ${CORPUS} does not exist (it is only on the project's machines)`);
});
