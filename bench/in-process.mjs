#!/usr/bin/env node
// What the language server pays per keystroke: parse and lint one open 50 KB runbook in-process,
// as `lintRunbook(buildRunbook(file, text))`, with the modules already loaded. Each pass edits the
// text a little, as typing does. Prints JSON: medians of wall and CPU time, and of parse alone.
// Usage: node bench/in-process.mjs <dist folder> [passes]
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dist, passesArg = "40"] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(path.resolve(dist, p)).href);
const [{ buildRunbook }, { lintRunbook }, { commandLookup }, { parseMarkdown }] = await Promise.all([
  load("model/build-runbook.js"),
  load("lint/lint.js"),
  load("files/command-exists.js"),
  load("parse/markdown.js"),
]);

/** A realistic large runbook: params, prerequisites, steps with prose, checks, rollbacks, needs. */
export function bigRunbook(targetBytes = 50_000) {
  let text = "---\nid: big-failover\nowner: team-db\nreview_every: 90d\nlast_verified: 2026-11-01\nrequires: [bash, psql]\nparams:\n  PRIMARY_URL: {description: libpq URL of the primary}\n  REPLICA_URL: {description: libpq URL of the replica}\n---\n# Big failover\n\nWhat this does, in a paragraph of prose with `inline code`, a [link](https://example.com) and *emphasis*.\n\n## Prerequisites\n```sh\npsql \"$PRIMARY_URL\" -c 'select 1'\n```\n\n## Steps\n";
  for (let i = 0; text.length < targetBytes; i++) {
    text += `### Step ${i}: check replication lag {#step-${i}}\n\n`;
    text += `Look at the lag on the replica before going on. If it is above a few seconds, wait: promoting a replica that is far behind loses writes. See the [dashboard](https://grafana.example.com/d/${i}).\n\n`;
    text += `- one thing to watch\n- another one, with \`code\`\n\n`;
    text += `\`\`\`sh${i % 5 === 4 ? ' confirm irreversible="the old primary must be rebuilt"' : ""}${i > 0 && i % 7 === 0 ? ` needs=step-${i - 1}` : ""}\npsql "$REPLICA_URL" -Atc "select now() - pg_last_xact_replay_timestamp()"\n\`\`\`\n\n`;
    if (i % 5 !== 4) text += `\`\`\`sh rollback\necho "nothing to undo for step ${i}"\n\`\`\`\n\n`;
  }
  return text;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const base = bigRunbook();
const options = { commandExists: commandLookup(process.env.PATH), today: new Date("2026-11-27T00:00:00Z") };
const passes = Number(passesArg);
const lintWall = [], lintCpu = [], parseWall = [];
let findings = 0;
for (let i = -10; i < passes; i++) {
  // Typing: a different character each pass, so nothing can be reused from the pass before.
  const text = `${base}\nEdited ${i}.\n`;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  findings = lintRunbook(buildRunbook("big.md", text), options).length;
  const c = process.cpuUsage(c0);
  const t1 = performance.now();
  parseMarkdown(text);
  const t2 = performance.now();
  if (i < 0) continue; // warm-up: the JIT settles
  lintWall.push(t1 - t0);
  lintCpu.push((c.user + c.system) / 1000);
  parseWall.push(t2 - t1);
}
console.log(JSON.stringify({ bytes: Buffer.byteLength(base), passes, findings, lintMs: median(lintWall), lintCpuMs: median(lintCpu), parseMs: median(parseWall) }));
