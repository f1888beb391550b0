#!/usr/bin/env node
// What the language server pays per keystroke on one open 50 KB runbook, in-process with the modules
// loaded: the whole server pipeline (unified-engine with the options `runbook lsp` gives it: the
// default processor plus remarkRunbook), and within it `lintRunbook(buildRunbook(file, text))` and
// the parse alone. Each pass edits the text a little, as typing does. Prints JSON: medians.
// Usage: node bench/in-process.mjs <dist folder> [passes]
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { pathToFileURL } from "node:url";

const [dist, passesArg = "40"] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(path.resolve(dist, p)).href);
const [{ buildRunbook }, { lintRunbook }, { commandLookup }, { parseMarkdown }] = await Promise.all([
  load("model/build-runbook.js"),
  load("check/lint-runbook.js"),
  load("system/command-exists.js"),
  load("model/parse-markdown.js"),
]);
/** The server's pipeline, when this build has a language server (src/editor/language-server.ts). */
const server = existsSync(path.resolve(dist, "editor/index.js")) ? await languageServerPipeline() : undefined;

async function languageServerPipeline() {
  const [{ default: remarkRunbook }, { markdownParser, refuseSlowShapes }, { default: runbookCompiler }, { engine }, { VFile }] = await Promise.all([
    load("editor/index.js"),
    load("model/parse-markdown.js"),
    load("authoring/remark-compiler.js"),
    import("unified-engine"),
    import("vfile"),
  ]);
  // The server's own processor when the build has one (it parses by section), else as the server made it.
  const processor = existsSync(path.resolve(dist, "editor/lsp-processor.js")) ? (await load("editor/lsp-processor.js")).lspProcessor() : markdownParser().use(refuseSlowShapes).use(runbookCompiler);
  const cwd = mkdtempSync(path.join(os.tmpdir(), "runbook-bench-lsp-"));
  const options = { cwd, ignoreName: ".remarkignore", packageField: "remarkConfig", pluginPrefix: "remark", plugins: [remarkRunbook], processor, quiet: false, rcName: ".remarkrc", silentlyIgnore: true };
  return {
    /** As unified-language-server checks a document it was sent: one engine run over one VFile. */
    check: (text) =>
      new Promise((resolve, reject) => {
        const file = new VFile({ path: path.join(cwd, "big.md"), value: text, cwd });
        engine({ ...options, files: [file], streamError: new PassThrough(), streamOut: new PassThrough() }, (error) => (error ? reject(error) : resolve(file.messages.length)));
      }),
    close: () => rmSync(cwd, { recursive: true, force: true }),
  };
}

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
const lintWall = [], lintCpu = [], parseWall = [], serverWall = [], serverCpu = [];
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
  const c2 = process.cpuUsage();
  await server?.check(text);
  const c3 = process.cpuUsage(c2);
  const t3 = performance.now();
  if (i < 0) continue; // warm-up: the JIT settles
  lintWall.push(t1 - t0);
  lintCpu.push((c.user + c.system) / 1000);
  parseWall.push(t2 - t1);
  serverWall.push(t3 - t2);
  serverCpu.push((c3.user + c3.system) / 1000);
}
server?.close();
console.log(JSON.stringify({ bytes: Buffer.byteLength(base), passes, findings, lintMs: median(lintWall), lintCpuMs: median(lintCpu), parseMs: median(parseWall), serverMs: server ? median(serverWall) : undefined, serverCpuMs: server ? median(serverCpu) : undefined }));
