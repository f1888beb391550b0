import { relative } from "node:path";
import { readFileSync } from "node:fs";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * vitest's order (isolated files first, so the e2e files, which mostly wait on processes, leases and
 * terminals, and then the unit files in their shared module graphs, which mostly compute), with the
 * longest files first within each: a file's length is its duration in the last run on this machine
 * (vitest's cache), else the one in test/durations.json, so that a fresh clone, which has no cache,
 * does not end on a tail of long files. `node scripts/test-durations.mjs <vitest JSON report>`
 * refreshes that file. (Interleaving unit and e2e files was measured slower: a worker that switches
 * starts a fresh module graph for each unit file.)
 */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const committed = JSON.parse(readFileSync(new URL("../durations.json", import.meta.url), "utf8")) as Record<string, number>;
    const weight = (spec: TestSpecification) => {
      const file = relative(root, spec.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${file}`);
      return cached ? cached.duration / 1000 : (committed[file] ?? 0);
    };
    const group = (spec: TestSpecification) => (spec.project.config.isolate ? 0 : 1);
    return [...files]
      .map((spec) => ({ spec, group: group(spec), weight: weight(spec) }))
      .sort((a, b) => a.group - b.group || b.weight - a.weight)
      .map(({ spec }) => spec);
  }
}
