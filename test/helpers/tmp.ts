import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const made: string[] = [];

/** A fresh temp folder, removed after the test (test/helpers/setup.ts). */
export async function tempDir(prefix = "runbook-test-"): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes the temp folders made since the last call. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}
