#!/usr/bin/env node
import { isatty } from "node:tty";
import { main } from "./main.js";

// A closed stdout or stderr (`| head`, a lost terminal) must never crash the process: a run goes on
// and is journaled whole; other commands finish quietly. Node reports a write to a closed pipe as an
// 'error' event, which would otherwise end the process with a stack trace.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
const terminals = [0, 1, 2].filter((fd) => isatty(fd));

process.exitCode = await main({
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});

// A terminal that hung up is no terminal any more, and Node's exit would abort with a native stack
// trace trying to restore its settings. Everything is journaled by now: end as the hang-up would.
if (terminals.some((fd) => !isatty(fd))) {
  process.removeAllListeners("SIGHUP");
  process.kill(process.pid, "SIGHUP");
}
