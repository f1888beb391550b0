// Races for a lock: waits until the given instant so that both racers start together.
import { acquireLock } from "../../dist/engine/lock.js";

const [dir, startAt, name] = process.argv.slice(2);
while (Date.now() < Number(startAt)) {
  // spin: a timer would add milliseconds of skew between the two racers
}
try {
  acquireLock(dir, "race", { runId: name, user: "u", startedAt: new Date().toISOString() });
  process.stdout.write("won");
  // Hold it while the other racer tries: a holder that exits is dead, and its lock may be taken over.
  await new Promise((r) => setTimeout(r, 700));
} catch (e) {
  process.stdout.write(e.name === "LockHeldError" ? "lost" : `error ${e.message}`);
}
