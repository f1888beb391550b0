#!/usr/bin/env node
import { main } from "./main.js";

// A closed stdout or stderr (`| head`, a lost terminal) must never crash the process: a run goes on
// and is journaled whole; other commands finish quietly. Node reports a write to a closed pipe as an
// 'error' event, which would otherwise end the process with a stack trace.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);

process.exitCode = await main({
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
