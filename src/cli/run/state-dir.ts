import path from "node:path";
import { RUN_ID_PATTERN } from "../../journal/run-id.js";
import { UsageError } from "../errors.js";
import type { LoadedConfig } from "../../files/config.js";

/** `RUNBOOK_STATE_DIR`, else the config's `state_dir`, else `.runbook/` at the repository root. */
export function stateDir(env: Readonly<Record<string, string | undefined>>, loaded: LoadedConfig, cwd: string): string {
  if (env.RUNBOOK_STATE_DIR) return path.resolve(cwd, env.RUNBOOK_STATE_DIR);
  return path.resolve(loaded.root, loaded.config.state_dir ?? ".runbook");
}

export function journalPath(dir: string, runId: string): string {
  // A run id names a file: refuse anything else, such as a path that climbs out of the state folder.
  if (!RUN_ID_PATTERN.test(runId)) throw new UsageError(`\`${runId}\` is not a run id (like 20261127T132236Z-postgres-failover-7612; see \`runbook runs\`)`);
  return path.join(dir, "runs", `${runId}.jsonl`);
}
