// One of three clones leaving notes on the same shared run at once: waits for the others to be
// ready, then appends `count` notes to refs/runbook/notes/<run-id> one after another, each by
// compare-and-swap (src/state/shared/notes-ref.ts). Prints how many tries each took.
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { appendRecord, newRecordId } from "../../dist/state/shared/notes-ref.js";
import { identity } from "../../dist/state/shared/chain.js";

const [clone, dir, name, others, runId, count] = process.argv.slice(2);
const config = { repo: clone, remote: "origin", leaseMs: 60_000, timeoutMs: 30_000 };
writeFileSync(path.join(dir, `ready-${name}`), "");
while (!others.split(",").every((o) => existsSync(path.join(dir, `ready-${o}`)))) await new Promise((r) => setTimeout(r, 2));
const tries = [];
for (let k = 0; k < Number(count); k++) {
  const at = new Date().toISOString();
  tries.push(await appendRecord(config, runId, { id: newRecordId(at), kind: "note", by: name, host: `host-${name}`, at, text: `note ${k} from ${name}` }, identity(name, `host-${name}`)));
}
process.stdout.write(JSON.stringify(tries));
