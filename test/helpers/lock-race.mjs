// Races for a lock: waits until the given instant so that both racers start together.
import { appendFileSync, readFileSync } from "node:fs";
import path from "node:path";
import os from "node:os";
import { acquireLock, thisHost } from "../../dist/state/lock.js";

const [dir, startAt, name] = process.argv.slice(2);
const tried = path.join(dir, "tried");
// Sleep until just before the instant, then spin: a timer alone would add milliseconds of skew
// between the two racers, and spinning all the way burns a core per racer on a busy machine.
const nap = new Int32Array(new SharedArrayBuffer(4));
const wake = Number(startAt) - 5;
if (wake > Date.now()) Atomics.wait(nap, 0, 0, wake - Date.now());
while (Date.now() < Number(startAt)) {
  // spin
}
let result;
try {
  acquireLock(dir, "race", { runId: name, user: "u", startedAt: new Date().toISOString() }, thisHost(os.hostname(), process.pid));
  result = "won";
} catch (e) {
  result = e.name === "LockHeldError" ? "lost" : `error ${e.message}`;
}
appendFileSync(tried, `${name}\n`);
// The winner holds the lock until the other racer has tried: a holder that exits is dead, and its
// lock may rightly be taken over, which is not what this race is about.
if (result === "won") {
  const until = Date.now() + 20_000;
  while (Date.now() < until && readFileSync(tried, "utf8").split("\n").filter(Boolean).length < 2) await new Promise((r) => setTimeout(r, 10));
}
process.stdout.write(result);
