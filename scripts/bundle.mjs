#!/usr/bin/env node
// The CLI as installed (package.json's `bin`), for start-up: esbuild bundles it into runbook.js, worker.js
// (the lint worker thread) and the chunks each command loads on demand, so `runbook lint` reads
// a couple of dozen files instead of some 170 modules, and library code no command uses is left
// out. One file for everything was measured slower: node scans all of ink and react to lint.
// `npm run build` runs tsc (dist/: the `runbook/remark` export, the GitHub Action) and then this,
// which writes dist/bundle/. Usage: npm run bundle   (then: node dist/bundle/runbook.js lint …)
import { build } from "esbuild";
import { rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const out = path.join(ROOT, "dist/bundle");
rmSync(out, { recursive: true, force: true });
/**
 * `import { z } from "zod"` hands over zod's whole namespace, JSON Schema and fifty locales with it;
 * `import * as z` lets the bundler keep only the members each command uses.
 */
const zodMembers = {
  name: "zod-members",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      if (!text.includes('import { z } from "zod";')) return undefined;
      return { contents: text.replace('import { z } from "zod";', 'import * as z from "zod";'), loader: "ts" };
    });
  },
};
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { runbook: "src/cli/bin.ts", worker: "src/check/batch/worker.ts" },
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  jsx: "automatic",
  // ink loads it only under DEV=true, and it is not installed.
  external: ["react-devtools-core"],
  // Beside the entries: modules find package.json two folders up, as from dist/<folder>/.
  chunkNames: "[name]-[hash]",
  // CommonJS dependencies bundled into ES modules still call require() for node's own modules.
  banner: { js: 'import { createRequire as __runbookRequire } from "node:module"; const require = __runbookRequire(import.meta.url);' },
  legalComments: "linked",
  plugins: [zodMembers],
  metafile: true,
  logLevel: "warning",
});
writeFileSync(path.join(out, "meta.json"), JSON.stringify(result.metafile));
const sizes = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith(".js")).map(([f, o]) => [path.relative(ROOT, f), o.bytes]);
console.log(`dist/bundle: ${sizes.length} files, ${(sizes.reduce((n, [, b]) => n + b, 0) / 1024).toFixed(0)} KB`);
