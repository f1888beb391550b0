// One of two racers for a runbook's shared lock, over many rounds: each round both wait for each
// other, then try at once; the winner holds the lock until the loser has tried, then releases it.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileJournalStore } from "../../dist/state/journals.js";
import { acquireRunLocks, thisHost } from "../../dist/state/lock.js";
import { sharedLocks } from "../../dist/state/shared/locks.js";

const [clone, dir, name, other, rounds, leaseMs] = process.argv.slice(2);
const config = { repo: clone, remote: "origin", leaseMs: Number(leaseMs), timeoutMs: 30_000 };
const machine = {
  config, host: os.hostname(), pid: process.pid, startTime: null, now: () => Date.now(), notice: () => undefined, offline: false,
  aliveHere: () => true,
  describeRecord: () => "(not read in this race)",
  // Each racer has its own state folder: its local locks are never contended here.
  localLocks: (runbookId, me, force) => acquireRunLocks(path.join(dir, `state-${name}`), runbookId, me, thisHost(os.hostname(), process.pid), force),
};
const locks = sharedLocks(machine, fileJournalStore(path.join(dir, `state-${name}`)), new Map());
const until = async (check) => {
  while (!check()) await new Promise((r) => setTimeout(r, 2));
};
const mark = (what) => writeFileSync(path.join(dir, what), "");
const seen = (what) => existsSync(path.join(dir, what));

for (let k = 0; k < Number(rounds); k++) {
  mark(`ready-${k}-${name}`);
  await until(() => seen(`ready-${k}-${other}`));
  const runId = `20261128T${String(100000 + k).slice(1)}0Z-race-${name === "a" ? "aaaa" : "bbbb"}`;
  let lock;
  let result;
  try {
    lock = await locks.acquire("race", { runId, user: name, startedAt: new Date().toISOString() }, false);
    result = `won ${runId}`;
  } catch (e) {
    result = `lost ${e.message.replace(/\n/g, " ")}`;
  }
  appendFileSync(path.join(dir, "results"), `${k}\t${name}\t${result}\n`);
  writeFileSync(path.join(dir, `tried-${k}-${name}`), result);
  await until(() => seen(`tried-${k}-${other}`));
  if (lock) {
    await lock.release();
    mark(`released-${k}-${name}`);
  } else if (readFileSync(path.join(dir, `tried-${k}-${other}`), "utf8").startsWith("won")) {
    await until(() => seen(`released-${k}-${other}`));
  }
}
