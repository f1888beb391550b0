// One of two processes racing for a lock, round after round: in round r both try to take the lock
// of the folder <dir>/<r> at the same instant, agreed through files. Prints what each round gave
// ("won", "lost" or "error …"), as JSON. One process per side for every round: starting two node
// processes per round cost the suite some 200 process starts, and the race is the same.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import os from "node:os";
import { acquireLock, thisHost } from "../../dist/state/lock.js";

const [dir, rounds, name, other] = process.argv.slice(2);
const nap = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms) => Atomics.wait(nap, 0, 0, Math.max(0, ms));
const waitUntil = (ready, what) => {
  const until = Date.now() + 60_000;
  while (!ready()) {
    if (Date.now() > until) throw new Error(`${name}: ${what} never came`);
    sleep(1);
  }
};
const results = [];
for (let r = 0; r < Number(rounds); r++) {
  const round = path.join(dir, String(r));
  mkdirSync(round, { recursive: true });
  // Each side proposes an instant a little ahead; both start at the later one, once both are known.
  const mine = path.join(round, `at-${name}`);
  writeFileSync(`${mine}.tmp`, String(Date.now() + 50));
  renameSync(`${mine}.tmp`, mine);
  const theirs = path.join(round, `at-${other}`);
  waitUntil(() => existsSync(theirs), `round ${r}'s start from ${other}`);
  const startAt = Math.max(Number(readFileSync(mine, "utf8")), Number(readFileSync(theirs, "utf8")));
  // Sleep until just before the instant, then spin: a timer alone would add milliseconds of skew
  // between the two racers, and spinning all the way burns a core per racer on a busy machine.
  sleep(startAt - 5 - Date.now());
  while (Date.now() < startAt) {
    // spin
  }
  let result;
  let lock;
  try {
    lock = acquireLock(round, "race", { runId: `${name}-${r}`, user: "u", startedAt: new Date().toISOString() }, thisHost(os.hostname(), process.pid));
    result = "won";
  } catch (e) {
    result = e.name === "LockHeldError" ? "lost" : `error ${e.message}`;
  }
  const tried = path.join(round, "tried");
  appendFileSync(tried, `${name}\n`);
  // The winner holds the lock until the other side has tried, then lets it go.
  if (lock) {
    waitUntil(() => readFileSync(tried, "utf8").split("\n").filter(Boolean).length >= 2, `round ${r}'s try from ${other}`);
    lock.release();
  }
  results.push(result);
}
process.stdout.write(JSON.stringify(results));
