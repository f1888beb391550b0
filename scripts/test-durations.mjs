#!/usr/bin/env node
// Refreshes test/durations.json (the order a fresh clone runs test files in: test/helpers/longest-first.ts)
// from a vitest JSON report:  npx vitest run --reporter=json --outputFile=/tmp/t.json && node scripts/test-durations.mjs /tmp/t.json
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const [report] = process.argv.slice(2);
if (!report) {
  console.error("usage: node scripts/test-durations.mjs <vitest JSON report>");
  process.exit(2);
}
const results = JSON.parse(readFileSync(report, "utf8")).testResults;
// The report may come from another clone (a fresh one, as CI runs): paths are taken from its test/ folder.
const names = results.map((f) => f.name);
const common = names.reduce((a, b) => { let i = 0; while (i < a.length && a[i] === b[i]) i++; return a.slice(0, i); }, names[0] ?? "");
const root = common.includes(`${path.sep}test${path.sep}`) ? common.slice(0, common.lastIndexOf(`${path.sep}test${path.sep}`) + 1) : ROOT;
const files = results.map((f) => ({ file: path.relative(root, f.name).split(path.sep).join("/"), seconds: Math.round((f.endTime - f.startTime) / 1000) }));
// Files under 3 s are left out: their order hardly matters, and the file stays short.
const kept = Object.fromEntries(files.filter((f) => f.seconds >= 3).sort((a, b) => b.seconds - a.seconds).map((f) => [f.file, f.seconds]));
writeFileSync(path.join(ROOT, "test/durations.json"), `${JSON.stringify(kept, null, 1)}\n`);
console.log(`test/durations.json: ${Object.keys(kept).length} files`);
