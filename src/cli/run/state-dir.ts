import path from "node:path";
import type { LoadedConfig } from "../../files/config.js";

/** `RUNBOOK_STATE_DIR`, else the config's `state_dir`, else `.runbook/` at the repository root. */
export function stateDir(env: Readonly<Record<string, string | undefined>>, loaded: LoadedConfig, cwd: string): string {
  if (env.RUNBOOK_STATE_DIR) return path.resolve(cwd, env.RUNBOOK_STATE_DIR);
  return path.resolve(loaded.root, loaded.config.state_dir ?? ".runbook");
}

export function journalPath(dir: string, runId: string): string {
  return path.join(dir, "runs", `${runId}.jsonl`);
}
