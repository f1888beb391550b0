import { existsSync } from "node:fs";
import path from "node:path";
import { lastDrills, type LastDrill } from "../report/last-drill.js";
import { readSummaries } from "../report/read-runs.js";
import type { LoadedConfig } from "../system/config-file.js";
import { fileJournalStore } from "../state/journals.js";
import { stateDirOf } from "../state/state-dir.js";
import type { Io } from "./io.js";

/** Each runbook's latest drill from the journals in this clone's state folder (never the remote: `stale` reads, it does not fetch). */
export function lastDrillsIn(io: Io, loaded: LoadedConfig): Map<string, LastDrill> {
  const stateDir = stateDirOf(io.env, loaded.root, loaded.config.state_dir, io.cwd);
  if (!existsSync(path.join(stateDir, "runs"))) return new Map();
  return lastDrills(readSummaries(fileJournalStore(stateDir), () => undefined).flatMap((r) => ("summary" in r ? [r.summary] : [])));
}
