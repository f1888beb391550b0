// Preloaded into every node process the bench times (`node --require bench/rss.cjs …`): on exit it
// appends the process's peak resident set size (KB) and CPU time (µs, user + system), worker threads
// included, to BENCH_RSS_FILE.
"use strict";
const file = process.env.BENCH_RSS_FILE;
if (file) {
  const { appendFileSync } = process.getBuiltinModule("node:fs");
  process.on("exit", () => {
    const { user, system } = process.cpuUsage();
    appendFileSync(file, `${process.resourceUsage().maxRSS} ${user + system}\n`);
  });
}
